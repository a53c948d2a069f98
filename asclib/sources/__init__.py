"""Loaders: one module per kind of input file, each with its schema."""

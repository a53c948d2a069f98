"""Analyses: one module per notebook. Functions take tidy tables and return tidy tables."""

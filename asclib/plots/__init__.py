"""House-style charts drawn from tables. Plot functions take DataFrames and return Figures;
they never read files."""

"""Demo and benchmark data sets: a fictional mid-size commune and the Paris-scale preset."""

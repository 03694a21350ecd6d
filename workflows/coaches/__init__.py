"""The coaches' workflows: intervision (intervision.py) and performance reviews (reviews.py)."""

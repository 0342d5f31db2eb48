"""District and station reports."""

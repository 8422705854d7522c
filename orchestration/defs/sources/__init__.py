"""Retailer files dropped in the landing folder, loaded into raw.*."""

"""Linked Data: the description of each resource, its page data, district maps, and search."""

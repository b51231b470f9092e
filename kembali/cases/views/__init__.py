"""Case pages, one module per topic (list.py: the case list and "my cases")."""

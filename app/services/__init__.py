"""Domain services: the product's rules, shared by the API, the dashboard and the worker."""

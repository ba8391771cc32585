"""JSON API routes, one module per area; each exposes ROUTES."""

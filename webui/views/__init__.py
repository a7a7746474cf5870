"""Dashboard views, one module per area; each attaches its routes to `webui.blueprint.bp`."""

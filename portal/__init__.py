"""The project shell above the apps: the home page, the post-login router, the officer homes, the health check and
the demo data set."""

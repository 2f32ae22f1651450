"""Administrative units (city, district-level, commune-level) and the online-service rollout of each district."""

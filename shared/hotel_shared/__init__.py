"""Infrastructure shared by every hotel service: config, logs, errors, web, Mongo, events, auth."""

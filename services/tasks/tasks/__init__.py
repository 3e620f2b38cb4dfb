"""Tasks service: guest requests routed to departments, assigned, tracked against an SLA."""

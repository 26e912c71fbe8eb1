"""What faces the network: the ASGI app, body limits, the fast path and Strawberry's view."""

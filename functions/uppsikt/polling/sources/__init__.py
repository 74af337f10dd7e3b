"""One module per polled stream: how to ask the platform's API, and how to read its answer."""

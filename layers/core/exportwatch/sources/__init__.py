"""Where items come from: bounded fetching, feed and Federal Register parsing, and polling each source."""

"""The compliance officer's console: a single page of our own HTML, CSS and JavaScript served by
the review app, with its catalogues in Swedish, Danish, Norwegian bokmål and English and the
dashboard's charts drawn as SVG on the server (pygal)."""

"""The worker process: JSON lines on stdin/stdout, one run at a time, warm models between requests."""

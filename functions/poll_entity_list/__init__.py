"""Lambda function code: one folder per function, a thin handler in app.py."""

"""The worker process (`python -m inference_core.service`): JSON lines on stdin/stdout, one run at a time, warm models.

Modules: `dispatch` (the request loop and routing), `requests` (one handler per request type),
`jobs` (the run thread), `messages` (request checking), `diagnostics` (hello), `stdout_guard`.
"""

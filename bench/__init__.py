"""Speed and memory measurements (``make bench``); figures go to docs/PERFORMANCE.md."""

"""What every listener shares: the middleware that computes per-request facts once
(``middleware``), the one way a use case that writes is called (``act``), the one error
path (``errors``), and the ways to answer (``replies``)."""

"""What several test files share: the queue set up in core, rendered pages, Socket.IO pushes,
the two server workers, and the small center the server tests load."""

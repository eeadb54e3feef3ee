"""What several test files share: the queue set up in core, rendered pages, Socket.IO pushes."""

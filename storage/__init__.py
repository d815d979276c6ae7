"""SQLModel tables, the functions that read and write them, and migrations."""

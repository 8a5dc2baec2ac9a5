/*
 * proctitle.h - setting the process title that ps shows, by moving the
 * environment out of the way and overwriting the argv area (Linux).
 */
#ifndef ROOST_PROCTITLE_H
#define ROOST_PROCTITLE_H

/*
 * Must run before anything keeps pointers into argv[1..] or environ:
 * copies argv[1..] and the environment to the heap (so getenv() and the
 * caller's argv keep working: *argv is replaced by a heap copy) and
 * remembers the original area.  Call once.
 */
void proctitle_init(int argc, char ***argv);
/* Sets the title (truncated to the original argv+environ area). */
void proctitle_set(const char *title);

#endif

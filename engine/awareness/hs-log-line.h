/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-log-line.h: one line of a kernel's log, as the printk ring reader
 * (hs-linux-printk.c) and the Xen console ring reader (hs-xen-console.c)
 * hand it out.
 *
 * A log is untrusted guest memory: a line's text is always valid UTF-8 and
 * holds no control character but a tab, whatever bytes the ring held.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* printk_info.flags (kernel/printk/printk.c, enum printk_info_flags). */
#define HS_LOG_FLAG_NEWLINE 2  /* the text ended with a newline */
#define HS_LOG_FLAG_CONT    8  /* a continuation of the record before (pr_cont) */

typedef struct
{
  guint64 seq;                 /* Linux: the record's sequence number. Xen: the ring position
                                * just past the line (conringp as it was when the line ended) */
  guint64 ts_nsec;             /* Linux: when it was logged, in ns since boot; Xen: 0 */
  gint level;                  /* Linux: 0 (KERN_EMERG) to 7 (KERN_DEBUG); Xen: -1 (none) */
  guint facility;              /* syslog facility: 0 the kernel, 1 user space (/dev/kmsg) */
  guint flags;                 /* HS_LOG_FLAG_* (Linux); 0 for Xen */
  guint32 caller_id;           /* printk_info.caller_id: a task's pid, or 0x80000000 | CPU in
                                * interrupt context; 0 when the kernel does not record it */
  guint part;                  /* 0: a record's first line; n: its (n + 1)th line, for a text
                                * with embedded newlines (each line is shown with the record's
                                * timestamp, as the console does) */
  gboolean unfinished;         /* Linux: committed but not finalized (a pr_cont may still extend
                                * it); Xen: the last line, with no newline yet */
  char *text;                  /* owned; valid UTF-8, control characters escaped as \xNN */
} HsLogLine;

void     hs_log_line_clear   (gpointer         line);
/* An array of HsLogLine that frees their texts. */
GArray  *hs_log_lines_new    (void);
/* A deep copy of @lines. */
GArray  *hs_log_lines_copy   (GArray          *lines);

/* Splits @len bytes of @text at '\n' and appends one line per piece to @lines, each a copy of
 * @proto with its own @part and text (escaped: see hs_log_escape()). A trailing '\n' ends the
 * last line, it does not start an empty one; '\r's before a '\n' are dropped. At least one line
 * is appended, even for an empty text. Returns how many. */
guint    hs_log_append_text  (GArray          *lines,
                              const HsLogLine *proto,
                              const guint8    *text,
                              gsize            len);

/* @len bytes of untrusted text, showable: valid UTF-8 stays as it is, except control
 * characters (C0 but tab, DEL, C1) whose bytes become "\xNN", as do bytes that are not UTF-8. */
char    *hs_log_escape       (const guint8    *text,
                              gsize            len);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-xen-console.h: Xen's own log, from its console ring in memory.
 *
 * Xen keeps everything it prints (its own messages, "(XEN) ...", and what
 * the guests print through it, "(XEN) DOM2: ...") in conring, a byte ring
 * of conring_size bytes (xen/drivers/char/console.c): conringp counts the
 * bytes ever written, conringc the first one not yet consumed (read and
 * cleared through the console-read sysctl, `xl dmesg -c`). The ring holds
 * [max (conringc, conringp - conring_size), conringp).
 *
 * The four are static variables: their addresses come from xen-syms'
 * symbol table. The ring is untrusted input: its size must be a power of two
 * of at most HS_XEN_CONSOLE_MAX_SIZE, and what is read is at most that.
 */
#pragma once

#include <glib.h>

#include "hs-log-line.h"
#include "hs-symbol-file.h"
#include "hs-xen.h"

G_BEGIN_DECLS

/* Xen's conring_size= takes more, but no console ring worth reading through a probe does. */
#define HS_XEN_CONSOLE_MAX_SIZE (32 * 1024 * 1024)

typedef struct
{
  guint64 ring;                /* conring: where the ring is, Xen's VA */
  guint32 size;                /* conring_size */
  guint32 producer;            /* conringp */
  guint32 consumer;            /* conringc */
  guint32 start;               /* the position (counted as conringp counts) of the oldest byte
                                * read: what Xen wrote before it has been overwritten (the ring
                                * wrapped) or consumed */
  gboolean wrapped;            /* the ring is full: Xen wrote more than it holds since what was
                                * last consumed, and overwrote its oldest bytes (conring_puts()
                                * then moves conringc along itself) */
} HsXenConsoleInfo;

/* Reads the ring into @lines (an array from hs_log_lines_new()), one HsLogLine per line, as Xen
 * wrote it ("(XEN) ..."): @seq is the ring position just past the line (counted as conringp
 * counts, from Xen's first byte, so it only grows until it wraps at 2^32), @level -1, @ts_nsec 0; a last line without a newline yet has
 * @unfinished set. When the oldest byte kept is not the first of a line, that line, which
 * lost its beginning, is left out. @offset: where xen-syms is loaded relative to its link
 * addresses.
 *
 * FALSE and @error when the ring cannot be read: a missing symbol, impossible values
 * (G_IO_ERROR_INVALID_DATA), or a failed read. @info (optional) says what was read. */
gboolean hs_xen_console_read (HsSymbolFile      *xen,
                              guint64            offset,
                              HsXenReadFunc      read,
                              gpointer           user_data,
                              GArray            *lines,
                              HsXenConsoleInfo  *info,
                              GError           **error);

G_END_DECLS

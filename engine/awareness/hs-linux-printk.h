/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-linux-printk.h: a Linux guest's kernel log (what dmesg shows), read from
 * its printk ring in memory.
 *
 * Two layouts, told apart by vmlinux's symbols and DWARF:
 * - 5.10 and later: the lockless printk_ringbuffer that `prb` points to
 *   (kernel/printk/printk_ringbuffer.c): a ring of descriptors (state and
 *   data position), a parallel ring of printk_info (sequence number,
 *   timestamp, level, ...) and a data ring of "ID + text" blocks.
 * - 3.11 to 5.9: log_buf, a byte ring of struct printk_log records between
 *   log_first_idx and log_next_idx.
 * Offsets come from vmlinux's DWARF by member name (bit-fields included),
 * looked up once per vmlinux by hs_linux_printk_layout_new().
 *
 * The ring is untrusted input: the reader follows the kernel's own reader
 * (descriptor states, id and position wrapping, a data block's leading id),
 * and bounds everything: the data ring at 32 MiB, the records at the
 * descriptor count, the text of all records together at the data ring's
 * size, the time at HS_LINUX_PRINTK_SECONDS. A record it cannot trust is
 * left out and counted in the warning, never guessed at.
 *
 * Cost: for the lockless ring, one read of prb, one of the ring's header,
 * then the descriptors and infos of the records between tail and head and
 * the used part of the data ring, each in at most two pieces (a ring wraps
 * once), in 4 KiB pages batched through the reader's readv when it has one.
 */
#pragma once

#include <gio/gio.h>

#include "hs-linux.h"
#include "hs-log-line.h"
#include "hs-symbol-file.h"

G_BEGIN_DECLS

/* The largest data ring (log_buf_len) believed: CONFIG_LOG_BUF_SHIFT tops out at 25. */
#define HS_LINUX_PRINTK_MAX_DATA        (32 * 1024 * 1024)
/* The most descriptors believed: the kernel makes one per 32 bytes of data ring. */
#define HS_LINUX_PRINTK_MAX_DESC_BITS   20
/* The longest one read of the log may take; past it the reader stops with what it has. */
#define HS_LINUX_PRINTK_SECONDS         10

typedef enum
{
  HS_LINUX_PRINTK_RINGBUFFER,      /* 5.10+: prb, struct printk_ringbuffer */
  HS_LINUX_PRINTK_LOG_BUF,         /* 3.11-5.9: log_buf, struct printk_log */
} HsLinuxPrintkKind;

typedef struct _HsLinuxPrintkLayout HsLinuxPrintkLayout;

/* Looks the log's layout up in vmlinux's DWARF. Blocking (the first DWARF query indexes the
 * file): call it on a worker thread, once per vmlinux. Fails with HS_SYMBOLS_ERROR_UNSUPPORTED
 * ("this kernel's log layout is not supported: ...") when vmlinux has neither layout, or a
 * member the reader needs is missing, naming it. */
HsLinuxPrintkLayout *hs_linux_printk_layout_new      (HsSymbolFile               *vmlinux,
                                                      GError                    **error);
void                 hs_linux_printk_layout_free     (HsLinuxPrintkLayout        *layout);
HsLinuxPrintkKind    hs_linux_printk_layout_get_kind (const HsLinuxPrintkLayout  *layout);

/* Reads the whole log into @lines (an array from hs_log_lines_new()), oldest first, one
 * HsLogLine per line (a record whose text holds newlines gives several, with the same seq).
 *
 * @offset: where vmlinux is loaded relative to its link addresses (0 with nokaslr).
 * @reader: reads the guest kernel's memory; its readv, cancellable, expect_* are optional
 *          (expect_* are not used).
 *
 * - FALSE and @error when the log cannot be read at all: no symbol, prb (or log_buf) not
 *   pointing into readable kernel memory, a ring header with impossible values
 *   (G_IO_ERROR_INVALID_DATA), or the reader failing (the probe is gone).
 * - TRUE otherwise, with what could be read; @warning (if not NULL) says what was left out and
 *   why ("3 records being written when the guest stopped are not shown; 2 records whose text
 *   was overwritten are left out"), or is set to NULL when nothing was. */
gboolean             hs_linux_printk_read            (const HsLinuxPrintkLayout  *layout,
                                                      HsSymbolFile               *vmlinux,
                                                      guint64                     offset,
                                                      const HsLinuxReader        *reader,
                                                      GArray                     *lines,
                                                      char                      **warning,
                                                      GError                    **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HsLinuxPrintkLayout, hs_linux_printk_layout_free)

G_END_DECLS

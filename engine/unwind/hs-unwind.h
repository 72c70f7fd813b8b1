/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-unwind.h: the AArch64 stack unwinder.
 *
 * A pure, bounded algorithm over callbacks: it is given a frame's registers, the symbol files
 * that cover the code (each at its load offset) and a way to read memory, and it returns the
 * call stack as an array of HsFrame. It never touches a probe, an engine or a main context, so
 * it runs on a worker thread and is unit-tested on stacks built in memory.
 *
 * Each step to the caller uses the call-frame information (.debug_frame or .eh_frame) of the
 * symbol file that covers the pc when it can, and otherwise follows the AAPCS64 frame-record
 * chain (x29 points at {previous x29, saved x30}), as the Linux kernel's own unwinder does.
 * Guest memory is hostile: every read is checked, the walk stops at max_frames, and every step
 * must move up the stack (a strictly higher frame pointer or CFA), so it cannot loop.
 */
#pragma once

#include <glib.h>

#include "hs-symbol-file.h"

G_BEGIN_DECLS

/* The default for hs_unwind()'s @max_frames when it is 0. */
#define HS_UNWIND_DEFAULT_MAX_FRAMES 64
/* The longest one unwind may take: it stops there with a reason, as at its frame limit. */
#define HS_UNWIND_MAX_SECONDS        10

/* Reads @len bytes of virtual memory at @va into @buf, or fails with @error. A failure with
 * G_IO_ERROR_CANCELLED aborts the unwind; any other failure only ends the stack there. */
typedef gboolean (*HsUnwindReadFunc) (guint64    va,
                                      void      *buf,
                                      gsize      len,
                                      gpointer   user_data,
                                      GError   **error);

typedef struct
{
  guint64 x[31];                 /* x0..x30 (x29 = fp, x30 = lr) */
  guint64 sp, pc;
  gboolean x_valid[31];          /* a sleeping Linux task only has x19..x29, sp, pc from
                                  * thread.cpu_context */
  gboolean have_sp, have_pc;
} HsUnwindRegs;

typedef enum
{
  HS_FRAME_LIVE,                 /* frame 0: the registers given */
  HS_FRAME_CFI,                  /* found through the call-frame information */
  HS_FRAME_FP,                   /* found through the frame record at the callee's x29 */
  HS_FRAME_LR,                   /* the callee was at its first instruction, without CFI:
                                  * the return address was still in lr */
} HsFrameMethod;

typedef struct
{
  guint level;                   /* 0 for the registers given, then 1, 2, ... */
  guint64 pc;                    /* the frame's pc; for callers, the return address */
  guint64 sp, fp;                /* 0 when unknown (see regs.have_sp, regs.x_valid[29]) */
  HsFrameMethod method;
  char *function;                /* "schedule", or NULL outside every symbol */
  guint64 offset;                /* pc - the function's start */
  char *file;                    /* of pc (for callers: of pc - 4, the call), or NULL */
  guint line;                    /* 0 when unknown */
  HsUnwindRegs regs;             /* registers known in this frame: for callers, pc, sp (the
                                  * callee's CFA), x29 and x30, and, in frames found by CFI
                                  * (or HS_FRAME_LR), those of x19..x28 that the rows say
                                  * where to find; x0..x18 only where a rule saves them */
} HsFrame;

/* One ELF's symbols at a load offset (run-time address = link-time address + @offset). */
typedef struct
{
  HsSymbolFile *file;
  guint64 offset;
} HsUnwindSymbols;

/* Unwinds from @start: by CFI where the symbols have it for the pc, else by the frame-record
 * chain (x29 → {previous x29, x30}), appending at most @max_frames HsFrame to @frames. Stops,
 * returning TRUE, at a zero fp or pc, a pc outside every symbol file's text, a frame pointer
 * (or CFA) that does not go up, leaves [@stack_low, @stack_high) (when @stack_high is not 0) or
 * is misaligned, or a failed read; @stop_reason says why ("end of the frame chain", "fp 0x...
 * is not above the previous frame's (0x...)", "cannot read the frame record at 0x...: ...").
 * FALSE with @error only without a pc or for a cancelled read. Blocking (memory and DWARF). */
gboolean hs_unwind       (const HsUnwindRegs    *start,
                          const HsUnwindSymbols *symbols,
                          guint                  n_symbols,
                          guint64                stack_low,
                          guint64                stack_high,
                          HsUnwindReadFunc       read,
                          gpointer               user_data,
                          guint                  max_frames,
                          GArray                *frames,
                          char                 **stop_reason,
                          GError               **error);

void     hs_frame_clear  (HsFrame               *frame);

/* "#2  0xffff800008b8f1c0 schedule+0x40 (kernel/sched/core.c:6554)". */
char    *hs_frame_format (const HsFrame         *frame,
                          const char            *address_prefix);

const char *hs_frame_method_to_string (HsFrameMethod method);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (HsFrame, hs_frame_clear)

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz-unwind.c: the stack unwinder on registers and a stack the input
 * makes, with the symbols and CFI of the unwind samples (tests/engine:
 * .debug_frame, .eh_frame, no CFI, and the kernel-shaped one; built here,
 * HS_FUZZ_SAMPLES names them).
 *
 * Input: two flag bytes (which sample, a second one beside it, the frame
 * limit; which registers are known), nine little-endian words (pc, sp,
 * x29, x30, the two files' load offsets, the stack bounds, an address whose
 * read is cancelled), then the stack from STACK_BASE on (reads outside it
 * fail).
 *
 * Whatever they hold, an unwind ends within its frame limit, reads at most
 * 16 bytes at a time, fails only without a pc or when a read is cancelled,
 * and otherwise says why it stopped.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "fuzz-samples.h"
#include "hs-unwind.h"

#define STACK_BASE G_GUINT64_CONSTANT (0xffff800010000000)
#define HEADER (2 + 9 * 8)

typedef struct
{
  const uint8_t *mem;
  size_t size;
  guint64 cancel_at;           /* a read that covers it is cancelled (0: none) */
} Memory;

static gboolean
read_mem (guint64    va,
          void      *buf,
          gsize      len,
          gpointer   user_data,
          GError   **error)
{
  Memory *m = user_data;

  g_assert_cmpuint (len, <=, 16);
  if (m->cancel_at != 0 && m->cancel_at >= va && m->cancel_at - va < len)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "cancelled");
      return FALSE;
    }
  if (va < STACK_BASE || va - STACK_BASE > m->size || len > m->size - (va - STACK_BASE))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "stage-1 fault at 0x%" G_GINT64_MODIFIER "x (no mapping)", va);
      return FALSE;
    }
  memcpy (buf, m->mem + (va - STACK_BASE), len);
  return TRUE;
}

static guint64
take (const uint8_t **p)
{
  guint64 v;

  memcpy (&v, *p, 8);
  *p += 8;
  return GUINT64_FROM_LE (v);
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  GPtrArray *files = fuzz_samples ();
  g_autoptr(GArray) frames = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *reason = NULL;
  HsUnwindSymbols symbols[2];
  HsUnwindRegs regs = { 0 };
  const uint8_t *p = data + 2;
  guint n_symbols, max_frames, first;
  guint64 low, high;
  Memory m;

  if (size < HEADER)
    return 0;
  first = (data[0] & 3) % files->len;
  n_symbols = data[0] & 4 ? 2 : 1;
  max_frames = data[0] >> 3;
  for (guint r = 0; r < 31; r++)
    {
      regs.x[r] = G_GUINT64_CONSTANT (0xdead000000000000) | r;
      /* All of them, a sleeping task's cpu_context (x19..x29), x29 and x30 alone, or none. */
      switch ((data[1] >> 2) & 3)
        {
        case 0: regs.x_valid[r] = TRUE; break;
        case 1: regs.x_valid[r] = r >= 19 && r <= 29; break;
        case 2: regs.x_valid[r] = r >= 29; break;
        default: regs.x_valid[r] = FALSE; break;
        }
    }
  regs.have_sp = data[1] & 1;
  regs.have_pc = (data[1] & 2) == 0;
  regs.pc = take (&p);
  regs.sp = take (&p);
  regs.x[29] = take (&p);
  regs.x[30] = take (&p);
  for (guint i = 0; i < 2; i++)
    {
      symbols[i].file = files->pdata[(first + i) % files->len];
      symbols[i].offset = take (&p);
    }
  low = take (&p);
  high = take (&p);
  /* Bounds the wrong way round are the caller's mistake (a g_return_if_fail), not the stack's. */
  if (high != 0 && low >= high)
    low = 0;
  m = (Memory) { data + HEADER, size - HEADER, take (&p) };

  frames = g_array_new (FALSE, TRUE, sizeof (HsFrame));
  g_array_set_clear_func (frames, (GDestroyNotify) hs_frame_clear);
  if (!hs_unwind (&regs, symbols, n_symbols, low, high, read_mem, &m, max_frames, frames,
                  &reason, &error))
    {
      g_assert_nonnull (error);
      g_assert_true (!regs.have_pc || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED));
      return 0;
    }
  g_assert_no_error (error);
  g_assert_nonnull (reason);
  g_assert_cmpuint (frames->len, <=, max_frames != 0 ? max_frames
                                                      : HS_UNWIND_DEFAULT_MAX_FRAMES);
  for (guint i = 0; i < frames->len; i++)
    {
      const HsFrame *frame = &g_array_index (frames, HsFrame, i);
      g_autofree char *line = hs_frame_format (frame, i % 2 ? "1:::" : NULL);

      g_assert_cmpuint (frame->level, ==, i);
      g_assert_nonnull (line);
      g_assert_nonnull (hs_frame_method_to_string (frame->method));
    }
  return 0;
}

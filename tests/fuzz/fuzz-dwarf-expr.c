/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz-dwarf-expr.c: DWARF location expressions and location lists as a damaged debug file
 * could hold them. The first byte picks the registers a frame knows and whether memory reads
 * succeed; the rest is evaluated as an expression, and read as a location list (DWARF 4 and
 * 5) at a pc the input chooses.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include <gio/gio.h>

#include "hs-dwarf-expr.h"

typedef struct
{
  guint8 flags;
  const guint8 *data;
  gsize size;
} Input;

static gboolean
get_register (guint reg, guint64 *value, gpointer user_data)
{
  Input *in = user_data;

  if ((in->flags & 1) == 0 || reg > 31)
    return FALSE;
  *value = G_GUINT64_CONSTANT (0xffff800010000000) + reg * 8;
  return TRUE;
}

static gboolean
read_memory (guint64 address, void *buf, gsize len, gpointer user_data, GError **error)
{
  Input *in = user_data;

  if ((in->flags & 2) == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "no memory");
      return FALSE;
    }
  memset (buf, (guint8) address, len);
  return TRUE;
}

static gboolean
get_entry_value (const guint8 *expr, gsize len, guint64 *value, gpointer user_data)
{
  Input *in = user_data;

  *value = len;
  return (in->flags & 4) != 0;
}

static gboolean
get_addr (guint64 index, guint64 *value, gpointer user_data)
{
  Input *in = user_data;

  if ((in->flags & 8) == 0 || index > 1000)
    return FALSE;
  *value = 0x400000 + index * 8;
  return TRUE;
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  Input in;
  HsDwarfExprContext ctx = { 0 };
  HsLocation loc;
  const guint8 *expr = NULL;
  gsize expr_len = 0;
  guint64 pc;

  if (size < 2)
    return 0;
  in.flags = data[0];
  in.data = data + 1;
  in.size = size - 1;
  ctx.get_register = get_register;
  ctx.read_memory = read_memory;
  ctx.get_entry_value = get_entry_value;
  ctx.get_addr = get_addr;
  ctx.user_data = &in;
  ctx.have_cfa = (in.flags & 16) != 0;
  ctx.cfa = 0xffff800010004000;
  ctx.have_frame_base = (in.flags & 32) != 0;
  ctx.frame_base = 0xffff800010004000;

  if (hs_dwarf_expr_evaluate (in.data, in.size, &ctx, &loc, NULL))
    hs_location_clear (&loc);

  pc = 0x400000 + (guint64) data[size - 1] * 4;
  hs_dwarf_loclist_find (in.data, in.size, in.flags & 3, (in.flags & 64) ? 5 : 4,
                         (in.flags & 128) ? 4 : 8, 0x400000, get_addr, &in, pc, &expr,
                         &expr_len, NULL);
  if (expr != NULL)
    g_assert_true (expr >= in.data && expr + expr_len <= in.data + in.size);
  return 0;
}

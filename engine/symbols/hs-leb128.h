/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-leb128.h: DWARF's LEB128 numbers, read from bytes Hyperscope does not
 * control: never past @end, and never more than the 10 bytes a 64-bit value
 * takes (a longer one is refused, not read on). Pure; any thread.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

static inline gboolean
hs_read_uleb (const guint8 **p,
              const guint8  *end,
              guint64       *out)
{
  guint64 value = 0;

  for (guint shift = 0; shift < 70 && *p < end; shift += 7)
    {
      guint8 byte = *(*p)++;

      if (shift < 64)
        value |= (guint64) (byte & 0x7f) << shift;
      if ((byte & 0x80) == 0)
        {
          *out = value;
          return TRUE;
        }
    }
  return FALSE;                        /* truncated, or more than 10 bytes */
}

static inline gboolean
hs_read_sleb (const guint8 **p,
              const guint8  *end,
              gint64        *out)
{
  guint64 value = 0;
  guint shift = 0;

  while (shift < 70 && *p < end)
    {
      guint8 byte = *(*p)++;

      if (shift < 64)
        value |= (guint64) (byte & 0x7f) << shift;
      shift += 7;
      if ((byte & 0x80) == 0)
        {
          if (shift < 64 && (byte & 0x40) != 0)
            value |= ~(guint64) 0 << shift;
          *out = (gint64) value;
          return TRUE;
        }
    }
  return FALSE;
}

static inline gboolean
hs_skip_leb (const guint8 **p,
             const guint8  *end)
{
  for (guint i = 0; i < 10 && *p < end; i++)
    if ((*(*p)++ & 0x80) == 0)
      return TRUE;
  return FALSE;
}

G_END_DECLS

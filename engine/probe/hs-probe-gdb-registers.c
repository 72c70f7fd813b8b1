/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-probe-gdb-registers.c: the GDB remote probe's registers: 'g' and 'p' reads, cached per core until the target runs; 'P' writes.
 */
#define G_LOG_DOMAIN "hs-probe-gdb"

#include "config.h"

#include "hs-probe-gdb-private.h"

#include <string.h>

static guint64
le_value (const guint8 *bytes,
          gsize         size)
{
  guint64 v = 0;

  for (gsize i = MIN (size, 8); i > 0; i--)
    v = v << 8 | bytes[i - 1];
  return v;
}

/* Decodes one register's hex; "xx..." means the stub cannot read it now. */
static gboolean
decode_register (const char *hex,
                 gsize       size,
                 guint64    *value,
                 gboolean   *valid)
{
  guint8 bytes[HS_TDESC_MAX_REG_BITS / 8];

  if (size > sizeof bytes)
    return FALSE;
  if (hex[0] == 'x')
    {
      *valid = FALSE;
      *value = 0;
      return TRUE;
    }
  if (!hs_rsp_hex_decode (hex, size * 2, bytes))
    return FALSE;
  *value = le_value (bytes, size);
  /* Values wider than 64 bits (vector registers) are not representable here. */
  *valid = size <= 8;
  return TRUE;
}

static gboolean
take_g (HsProbeGdb   *self,
        guint         core,
        const char   *reply,
        gsize         len,
        GError      **error)
{
  RegCache *rc = &self->reg_cache[core];

  if (!_hs_gdb_check_error_reply (self, "read registers", reply, error))
    return FALSE;
  if (len / 2 < self->g_size)
    {
      g_set_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_PROTOCOL,
                   "core %u: the 'g' reply has %zu bytes, expected %zu", core, len / 2,
                   self->g_size);
      return FALSE;
    }
  for (guint i = 0; i < self->registers->len; i++)
    {
      gssize off = g_array_index (self->g_offsets, gssize, i);
      HsRegisterInfo *info = g_ptr_array_index (self->registers, i);

      if (off < 0)
        continue;
      if (!decode_register (reply + off * 2, info->bitsize / 8, &rc->values[i], &rc->valid[i]))
        {
          g_set_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_PROTOCOL,
                       "core %u: bad value for %s in the 'g' reply", core, info->name);
          return FALSE;
        }
      rc->fetched[i] = TRUE;
    }
  rc->g_done = TRUE;
  return TRUE;
}

static gboolean
take_p (HsProbeGdb   *self,
        guint         core,
        guint         index,
        const char   *reply,
        gsize         len,
        GError      **error)
{
  RegCache *rc = &self->reg_cache[core];
  HsRegisterInfo *info = g_ptr_array_index (self->registers, index);

  if (reply[0] == 'E' && len == 3)
    {
      /* Some system registers cannot be read in the core's current state. */
      rc->valid[index] = FALSE;
      rc->fetched[index] = TRUE;
      return TRUE;
    }
  if (!_hs_gdb_check_error_reply (self, info->name, reply, error))
    return FALSE;
  if (len < (info->bitsize / 8) * 2
      || !decode_register (reply, info->bitsize / 8, &rc->values[index], &rc->valid[index]))
    {
      g_set_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_PROTOCOL,
                   "core %u: bad value for %s: '%.40s'", core, info->name, reply);
      return FALSE;
    }
  rc->fetched[index] = TRUE;
  return TRUE;
}

/* What one pipelined request of a register read was for. */
enum { FETCH_SELECT = -2, FETCH_G = -1 };

typedef struct
{
  HsProbeGdb *self;
  guint core;
  GArray *what;                /* gint per request: FETCH_SELECT, FETCH_G or a register index */
} RegBatch;

static gboolean
take_register_reply (guint        index,
                     const char  *reply,
                     gsize        len,
                     gpointer     user_data,
                     GError     **error)
{
  RegBatch *b = user_data;
  gint what = g_array_index (b->what, gint, index);

  if (what == FETCH_SELECT)
    {
      if (!_hs_gdb_check_error_reply (b->self, "select core", reply, error))
        return FALSE;
      if (strcmp (reply, "OK") != 0)
        {
          g_set_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_PROTOCOL,
                       "select core: expected OK from the gdbstub, got '%.40s'", reply);
          return FALSE;
        }
      b->self->hg_core = (gint) b->core;
      return TRUE;
    }
  if (what == FETCH_G)
    return take_g (b->self, b->core, reply, len, error);
  return take_p (b->self, b->core, (guint) what, reply, len, error);
}

/* Every register of @indexes not cached yet, in one pipeline: the core's selection, at most one
 * 'g' and a 'p' for each of the rest. With io_lock held. */
static gboolean
fetch_registers (HsProbeGdb   *self,
                 guint         core,
                 const guint  *indexes,
                 guint         n_indexes,
                 GError      **error)
{
  RegCache *rc = &self->reg_cache[core];
  g_autoptr(GPtrArray) payloads = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) what = g_array_new (FALSE, FALSE, sizeof (gint));
  g_autofree gboolean *asked = g_new0 (gboolean, self->registers->len);
  gboolean want_g = FALSE;
  RegBatch b = { self, core, what };

  for (guint k = 0; k < n_indexes; k++)
    {
      guint i = indexes[k];

      if (i >= self->registers->len)
        {
          g_set_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_NO_SUCH_REGISTER,
                       "no register with index %u", i);
          return FALSE;
        }
      if (rc->fetched[i] || asked[i])
        continue;
      asked[i] = TRUE;
      if (g_array_index (self->g_offsets, gssize, i) >= 0 && !rc->g_done)
        want_g = TRUE;
      else
        {
          gint w = (gint) i;

          g_ptr_array_add (payloads, g_strdup_printf ("p%x",
                           ((HsRegisterInfo *) g_ptr_array_index (self->registers, i))->regnum));
          g_array_append_val (what, w);
        }
    }
  if (want_g)
    {
      gint w = FETCH_G;

      g_ptr_array_insert (payloads, 0, g_strdup ("g"));
      g_array_prepend_val (what, w);
    }
  if (payloads->len == 0)
    return TRUE;
  if (self->hg_core != (gint) core)
    {
      g_autofree char *thread = _hs_gdb_format_thread (self, core);
      gint w = FETCH_SELECT;

      g_ptr_array_insert (payloads, 0, g_strdup_printf ("Hg%s", thread));
      g_array_prepend_val (what, w);
    }
  return _hs_gdb_pipeline (self, (char * const *) payloads->pdata, payloads->len, 64,
                           take_register_reply, &b, error);
}

static gboolean
hs_probe_gdb_read_registers (HsProbe      *probe,
                             guint         core,
                             const guint  *indexes,
                             guint         n_indexes,
                             guint64      *values,
                             gboolean     *valid,
                             GError      **error)
{
  HsProbeGdb *self = HS_PROBE_GDB (probe);
  gboolean ok;

  hs_mutex_lock (&self->io_lock);
  ok = _hs_gdb_check_halted (self, error) && _hs_gdb_check_core (self, core, error)
       && fetch_registers (self, core, indexes, n_indexes, error);
  for (guint k = 0; ok && k < n_indexes; k++)
    {
      RegCache *rc = &self->reg_cache[core];

      values[k] = rc->values[indexes[k]];
      valid[k] = rc->valid[indexes[k]];
    }
  hs_mutex_unlock (&self->io_lock);
  return ok;
}

static gboolean
hs_probe_gdb_write_register (HsProbe  *probe,
                             guint     core,
                             guint     index,
                             guint64   value,
                             GError  **error)
{
  HsProbeGdb *self = HS_PROBE_GDB (probe);
  HsRegisterInfo *info;
  guint8 bytes[HS_TDESC_MAX_REG_BITS / 8] = { 0 };
  g_autofree char *hex = NULL;
  g_autofree char *pkt = NULL;
  gsize size;
  gboolean ok;

  hs_mutex_lock (&self->io_lock);
  if (!_hs_gdb_check_halted (self, error) || !_hs_gdb_check_core (self, core, error))
    {
      hs_mutex_unlock (&self->io_lock);
      return FALSE;
    }
  if (index >= self->registers->len)
    {
      hs_mutex_unlock (&self->io_lock);
      g_set_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_NO_SUCH_REGISTER,
                   "no register with index %u", index);
      return FALSE;
    }
  info = g_ptr_array_index (self->registers, index);
  /* The whole register, zero-extended: a stub writes its full size whatever 'P' carried (QEMU
   * reads a V register's 16 bytes from a buffer given 8). hs-tdesc bounds the size. */
  size = info->bitsize / 8;
  g_assert (size <= sizeof bytes);
  for (gsize i = 0; i < MIN (size, sizeof (value)); i++)
    bytes[i] = (value >> (8 * i)) & 0xff;
  hex = hs_rsp_hex_encode (bytes, size);
  pkt = g_strdup_printf ("P%x=%s", info->regnum, hex);
  ok = _hs_gdb_select_core (self, core, error) && _hs_gdb_request_ok (self, pkt, info->name, error);
  /* Reread it next time: the stub may have masked bits. */
  self->reg_cache[core].fetched[index] = FALSE;
  self->reg_cache[core].g_done = FALSE;
  hs_mutex_unlock (&self->io_lock);
  return ok;
}

void
_hs_gdb_registers_iface_init (HsProbeInterface *iface)
{
  iface->read_registers = hs_probe_gdb_read_registers;
  iface->write_register = hs_probe_gdb_write_register;
}

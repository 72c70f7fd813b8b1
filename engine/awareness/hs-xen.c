/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "hs-xen"

#include "config.h"

#include "hs-xen.h"

#include <string.h>

/* Xen's DOMID_FIRST_RESERVED: ids at or above it are system domains, not guests. */
#define DOMID_FIRST_RESERVED 0x7ff0

typedef struct
{
  HsSymbolFile *xen;
  HsXenReadFunc read;
  gpointer user_data;
} Reader;

typedef struct
{
  guint64 offset;
  guint64 size;
} Field;

static gboolean
field (HsSymbolFile  *xen,
       const char    *type,
       const char    *path,
       Field         *out,
       GError       **error)
{
  if (!hs_symbol_file_member (xen, type, path, &out->offset, &out->size, error))
    {
      g_prefix_error (error, "xen-syms: ");
      return FALSE;
    }
  if (out->size == 0 || out->size > 8)
    {
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_UNSUPPORTED,
                   "xen-syms: %s.%s is %" G_GUINT64_FORMAT " bytes, not a scalar", type, path,
                   out->size);
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_field (Reader       *r,
            guint64       base,
            const Field  *f,
            guint64      *value,
            GError      **error)
{
  guint8 buf[8] = { 0 };

  if (!r->read (base + f->offset, buf, f->size, r->user_data, error))
    return FALSE;
  *value = 0;
  for (guint i = f->size; i > 0; i--)
    *value = *value << 8 | buf[i - 1];
  return TRUE;
}

/* Xen's heap and data live in the upper half of its 48-bit space or its image; NULL never. */
static gboolean
plausible_pointer (guint64 p)
{
  return p != 0 && p < G_GUINT64_CONSTANT (0x0001000000000000) && (p & 7) == 0;
}

gboolean
hs_xen_read_domains (HsSymbolFile   *xen,
                     guint64         offset,
                     HsXenReadFunc   read,
                     gpointer        user_data,
                     GArray         *domains,
                     GError        **error)
{
  Reader r = { xen, read, user_data };
  Field domain_id, next, max_vcpus, vcpu, vmid, vttbr;
  Field ttbr0, ttbr1, ttbcr, sctlr, mair;
  gboolean have_mair;
  HsSymbol list;
  guint64 d;
  g_autoptr(GArray) seen = g_array_new (FALSE, FALSE, sizeof (guint64));

  g_return_val_if_fail (HS_IS_SYMBOL_FILE (xen), FALSE);
  g_return_val_if_fail (domains != NULL, FALSE);

  if (!hs_symbol_file_lookup (xen, "domain_list", &list))
    {
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NOT_FOUND,
                   "%s has no symbol domain_list: is it Xen's xen-syms?",
                   hs_symbol_file_get_path (xen));
      return FALSE;
    }
  if (!field (xen, "domain", "domain_id", &domain_id, error)
      || !field (xen, "domain", "next_in_list", &next, error)
      || !field (xen, "domain", "max_vcpus", &max_vcpus, error)
      || !field (xen, "domain", "vcpu", &vcpu, error)
      || !field (xen, "domain", "arch.p2m.vmid", &vmid, error)
      || !field (xen, "domain", "arch.p2m.vttbr", &vttbr, error)
      || !field (xen, "vcpu", "arch.ttbr0", &ttbr0, error)
      || !field (xen, "vcpu", "arch.ttbr1", &ttbr1, error)
      || !field (xen, "vcpu", "arch.ttbcr", &ttbcr, error)
      || !field (xen, "vcpu", "arch.sctlr", &sctlr, error))
    return FALSE;
  have_mair = field (xen, "vcpu", "arch.mair", &mair, NULL);

  if (!read_field (&r, list.address + offset, &(Field) { 0, 8 }, &d, error))
    {
      g_prefix_error (error, "cannot read Xen's domain_list: ");
      return FALSE;
    }

  for (guint n = 0; d != 0; n++)
    {
      HsXenDomain dom = { 0 };
      guint64 v, vcpus, vcpu0 = 0;

      if (n >= HS_XEN_MAX_DOMAINS)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       "Xen's domain_list has more than %d entries: corrupt or looping",
                       HS_XEN_MAX_DOMAINS);
          return FALSE;
        }
      if (!plausible_pointer (d))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "Xen's domain_list holds an impossible pointer 0x%" G_GINT64_MODIFIER "x "
                       "after %u domains", d, n);
          return FALSE;
        }
      for (guint k = 0; k < seen->len; k++)
        if (g_array_index (seen, guint64, k) == d)
          {
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                         "Xen's domain_list loops back to 0x%" G_GINT64_MODIFIER "x", d);
            return FALSE;
          }
      g_array_append_val (seen, d);

      dom.domain_va = d;
      if (!read_field (&r, d, &domain_id, &v, error))
        return FALSE;
      dom.domain_id = (gint) v;
      if (!read_field (&r, d, &max_vcpus, &vcpus, error)
          || !read_field (&r, d, &vmid, &v, error))
        return FALSE;
      dom.vmid = (guint) v;
      if (!read_field (&r, d, &vttbr, &dom.vttbr, error))
        return FALSE;
      dom.n_vcpus = (guint) MIN (vcpus, (guint64) G_MAXUINT);

      if (v > 0xffff || vcpus > HS_XEN_MAX_VCPUS)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "Xen's domain %d at 0x%" G_GINT64_MODIFIER "x has impossible values "
                       "(VMID %" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT " vCPUs)",
                       dom.domain_id, d, v, vcpus);
          return FALSE;
        }

      /* vCPU 0's saved EL1 state: what translates the guest while no core runs it. */
      if (dom.n_vcpus > 0)
        {
          g_autoptr(GError) local_error = NULL;
          guint64 array = 0;

          /* A domain still being built may have no vCPUs yet: that is no error. */
          if (read_field (&r, d, &vcpu, &array, &local_error) && plausible_pointer (array)
              && read_field (&r, array, &(Field) { 0, 8 }, &vcpu0, &local_error)
              && plausible_pointer (vcpu0)
              && read_field (&r, vcpu0, &ttbr0, &dom.ttbr0, &local_error)
              && read_field (&r, vcpu0, &ttbr1, &dom.ttbr1, &local_error)
              && read_field (&r, vcpu0, &ttbcr, &dom.tcr, &local_error)
              && read_field (&r, vcpu0, &sctlr, &dom.sctlr, &local_error))
            {
              dom.has_saved_el1 = TRUE;
              dom.has_mair = have_mair && read_field (&r, vcpu0, &mair, &dom.mair, NULL);
            }
          else if (local_error != NULL)
            {
              g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                          "Xen's domain %d: ", dom.domain_id);
              return FALSE;
            }
        }

      if (dom.domain_id >= 0 && dom.domain_id < DOMID_FIRST_RESERVED)
        g_array_append_val (domains, dom);
      if (!read_field (&r, d, &next, &d, error))
        return FALSE;
    }
  return TRUE;
}

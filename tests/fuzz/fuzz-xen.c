/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz-xen.c: Xen's domain list and each pCPU's current vCPU read from Xen
 * memory the input makes, with the layout of xen-sample.c (built here;
 * HS_FUZZ_SAMPLES names it).
 *
 * Input: a flags byte (how many pCPUs to ask about), then Xen's memory
 * from the first of domain_list, per_cpu__curr_vcpu and __per_cpu_offset
 * on (reads outside it fail), domains and vCPUs placed in it where the
 * pointers say.
 *
 * Whatever the memory holds, a walk ends with at most HS_XEN_MAX_DOMAINS
 * guests, each with at most as many vCPUs read as it claims, and a failure
 * says why.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "fuzz-samples.h"
#include "hs-xen.h"

#define MAX_CPUS 8

typedef struct
{
  const uint8_t *mem;
  size_t size;
  guint64 base;
} Memory;

static HsSymbolFile *
xen_syms (guint64 *base)
{
  static HsSymbolFile *xen;
  static guint64 lowest = G_MAXUINT64;
  static const char *const names[] = { "domain_list", "per_cpu__curr_vcpu", "__per_cpu_offset" };

  if (xen == NULL)
    {
      xen = g_ptr_array_index (fuzz_samples (), 0);
      for (guint i = 0; i < G_N_ELEMENTS (names); i++)
        {
          HsSymbol sym;

          if (!hs_symbol_file_lookup (xen, names[i], &sym))
            g_error ("%s has no %s", HS_FUZZ_SAMPLES, names[i]);
          lowest = MIN (lowest, sym.address);
        }
    }
  *base = lowest;
  return xen;
}

static gboolean
read_mem (guint64    va,
          void      *buf,
          gsize      len,
          gpointer   user_data,
          GError   **error)
{
  Memory *m = user_data;

  if (va < m->base || va - m->base > m->size || len > m->size - (va - m->base))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "no mapping at 0x%" G_GINT64_MODIFIER "x", va);
      return FALSE;
    }
  memcpy (buf, m->mem + (va - m->base), len);
  return TRUE;
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GArray) domains = hs_xen_domains_new ();
  g_autoptr(GArray) copy = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *cut_short = NULL;
  guint64 vcpus[MAX_CPUS];
  HsSymbolFile *xen;
  Memory m;

  if (size < 1)
    return 0;
  xen = xen_syms (&m.base);
  m.mem = data + 1;
  m.size = size - 1;

  if (!hs_xen_read_domains (xen, 0, read_mem, &m, domains, &cut_short, &error))
    g_assert_nonnull (error);
  else
    g_assert_no_error (error);
  g_assert_cmpuint (domains->len, <=, HS_XEN_MAX_DOMAINS);
  for (guint i = 0; i < domains->len; i++)
    {
      const HsXenDomain *d = &g_array_index (domains, HsXenDomain, i);

      g_assert_cmpuint (d->n_vcpus, <=, HS_XEN_MAX_VCPUS);
      g_assert_cmpuint (d->n_vcpu_info, <=, d->n_vcpus);
      g_assert_true (d->n_vcpu_info == 0 || d->vcpus != NULL);
      g_assert_nonnull (hs_xen_domain_state (d));
      for (guint k = 0; k < d->n_vcpu_info; k++)
        g_assert_nonnull (hs_xen_vcpu_state (&d->vcpus[k]));
    }
  copy = hs_xen_domains_copy (domains);
  g_assert_cmpuint (copy->len, ==, domains->len);

  g_clear_error (&error);
  hs_xen_read_current_vcpus (xen, 0, read_mem, &m, 1 + data[0] % MAX_CPUS, vcpus, &error);
  return 0;
}

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

void
hs_xen_domain_clear (gpointer domain)
{
  HsXenDomain *d = domain;

  g_clear_pointer (&d->vcpus, g_free);
  g_clear_pointer (&d->corrupt, g_free);
  d->n_vcpu_info = 0;
}

GArray *
hs_xen_domains_new (void)
{
  GArray *a = g_array_new (FALSE, TRUE, sizeof (HsXenDomain));

  g_array_set_clear_func (a, hs_xen_domain_clear);
  return a;
}

GArray *
hs_xen_domains_copy (GArray *domains)
{
  GArray *copy = hs_xen_domains_new ();

  for (guint i = 0; i < domains->len; i++)
    {
      HsXenDomain d = g_array_index (domains, HsXenDomain, i);

      d.vcpus = d.vcpus ? g_memdup2 (d.vcpus, sizeof (HsXenVcpu) * d.n_vcpu_info) : NULL;
      d.corrupt = g_strdup (d.corrupt);
      g_array_append_val (copy, d);
    }
  return copy;
}

const char *
hs_xen_domain_state (const HsXenDomain *d)
{
  gboolean any_running = FALSE;

  /* Known only by the VMID a core holds: Xen's symbols would say more. */
  if (d->domain_id < 0)
    return "seen by VMID";
  if (d->corrupt != NULL)
    return "corrupt";
  if (d->dying)
    return "dying";
  if (d->shut_down)
    return "shut down";
  if (d->paused)
    return "paused";
  for (guint i = 0; i < d->n_vcpu_info; i++)
    any_running |= d->vcpus[i].running;
  return any_running ? "running" : "blocked";
}

const char *
hs_xen_vcpu_state (const HsXenVcpu *v)
{
  if (v->running)
    return "running";
  if (v->pause_flags & 1)
    return "blocked";
  if (v->pause_flags)
    return "paused";
  return "runnable";
}

/* Decodes a little-endian field of @size bytes at @offset of @buf, 0 when out of it. */
static guint64
get_le (const guint8 *buf,
        gsize         len,
        guint64       offset,
        guint64       size)
{
  guint64 v = 0;

  if (size == 0 || size > 8 || offset + size > len)
    return 0;
  for (guint i = size; i > 0; i--)
    v = v << 8 | buf[offset + i - 1];
  return v;
}

/* Xen's heap and data live in the upper half of its 48-bit space or its image; NULL never. */
static gboolean
plausible_pointer (guint64 p)
{
  return p != 0 && p < G_GUINT64_CONSTANT (0x0001000000000000) && (p & 7) == 0;
}

/* Every vCPU of a domain: one read of struct vcpu, one of the guest's saved registers. */
static gboolean
read_vcpus (Reader       *r,
            guint64       domain,
            const Field  *vcpu_array,
            HsXenDomain  *dom,
            GError      **error)
{
  static const char *const xregs[31] = {
    "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13",
    "x14", "x15", "x16", "x17", "x18", "x19", "x20", "x21", "x22", "x23", "x24", "x25", "x26",
    "x27", "x28", "fp", "lr",
  };
  guint64 vcpu_size, regs_size, array;
  Field id, processor, running, pflags, cpu_info, ttbr0, ttbr1, ttbcr, sctlr, user_regs;
  Field vbar = { 0, 0 };
  g_autofree guint8 *vbuf = NULL;
  g_autofree guint8 *rbuf = NULL;

  if (dom->n_vcpus == 0)
    return TRUE;
  if (!hs_symbol_file_get_type_size (r->xen, "vcpu", &vcpu_size, error)
      || !hs_symbol_file_get_type_size (r->xen, "cpu_user_regs", &regs_size, error)
      || !field (r->xen, "vcpu", "vcpu_id", &id, error)
      || !field (r->xen, "vcpu", "processor", &processor, error)
      || !field (r->xen, "vcpu", "is_running", &running, error)
      || !field (r->xen, "vcpu", "pause_flags", &pflags, error)
      || !field (r->xen, "vcpu", "arch.cpu_info", &cpu_info, error)
      || !field (r->xen, "vcpu", "arch.ttbr0", &ttbr0, error)
      || !field (r->xen, "vcpu", "arch.ttbr1", &ttbr1, error)
      || !field (r->xen, "vcpu", "arch.ttbcr", &ttbcr, error)
      || !field (r->xen, "vcpu", "arch.sctlr", &sctlr, error))
    return FALSE;
  /* VBAR_EL1 finds a guest kernel's KASLR slide; Xen has saved it since 4.x, but a build that
   * does not is still debuggable. */
  if (!field (r->xen, "vcpu", "arch.vbar", &vbar, NULL))
    vbar = (Field) { 0, 0 };
  if (!hs_symbol_file_member (r->xen, "cpu_info", "guest_cpu_user_regs", &user_regs.offset,
                              &user_regs.size, error))
    return FALSE;
  if (vcpu_size > 64 * 1024 || regs_size > 4096)
    {
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_UNSUPPORTED,
                   "xen-syms: struct vcpu (%" G_GUINT64_FORMAT " bytes) or cpu_user_regs (%"
                   G_GUINT64_FORMAT ") is implausibly large", vcpu_size, regs_size);
      return FALSE;
    }
  if (!read_field (r, domain, vcpu_array, &array, error))
    return FALSE;
  if (!plausible_pointer (array))
    return TRUE;

  vbuf = g_malloc (vcpu_size);
  rbuf = g_malloc (regs_size);
  dom->vcpus = g_new0 (HsXenVcpu, dom->n_vcpus);
  for (guint i = 0; i < dom->n_vcpus; i++)
    {
      HsXenVcpu *v = &dom->vcpus[dom->n_vcpu_info];
      guint64 va, info;

      if (!read_field (r, array + 8 * i, &(Field) { 0, 8 }, &va, error))
        return FALSE;
      /* A vCPU slot may be empty while the domain is built. */
      if (!plausible_pointer (va))
        continue;
      if (!r->read (va, vbuf, vcpu_size, r->user_data, error))
        {
          g_prefix_error (error, "cannot read vCPU %u of domain %d at 0x%" G_GINT64_MODIFIER "x: ",
                          i, dom->domain_id, va);
          return FALSE;
        }
      v->va = va;
      v->id = (guint) get_le (vbuf, vcpu_size, id.offset, id.size);
      v->processor = (gint) get_le (vbuf, vcpu_size, processor.offset, processor.size);
      v->running = get_le (vbuf, vcpu_size, running.offset, running.size) != 0;
      v->pause_flags = get_le (vbuf, vcpu_size, pflags.offset, pflags.size);
      v->ttbr0 = get_le (vbuf, vcpu_size, ttbr0.offset, ttbr0.size);
      v->ttbr1 = get_le (vbuf, vcpu_size, ttbr1.offset, ttbr1.size);
      v->tcr = get_le (vbuf, vcpu_size, ttbcr.offset, ttbcr.size);
      v->sctlr = get_le (vbuf, vcpu_size, sctlr.offset, sctlr.size);
      v->has_vbar = vbar.size == 8;
      v->vbar = v->has_vbar ? get_le (vbuf, vcpu_size, vbar.offset, vbar.size) : 0;
      if (v->id != i || v->processor < 0 || v->processor > 4095)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "vCPU %u of domain %d at 0x%" G_GINT64_MODIFIER "x holds impossible values "
                       "(id %u, pCPU %d)", i, dom->domain_id, va, v->id, v->processor);
          return FALSE;
        }
      info = get_le (vbuf, vcpu_size, cpu_info.offset, cpu_info.size);
      if (plausible_pointer (info)
          && r->read (info + user_regs.offset, rbuf, regs_size, r->user_data, NULL))
        {
          for (guint k = 0; k < 31; k++)
            {
              Field f;

              if (field (r->xen, "cpu_user_regs", xregs[k], &f, NULL))
                v->x[k] = get_le (rbuf, regs_size, f.offset, f.size);
            }
          {
            static const struct { const char *name; gsize at; } extra[] = {
              { "pc", G_STRUCT_OFFSET (HsXenVcpu, pc) },
              { "cpsr", G_STRUCT_OFFSET (HsXenVcpu, cpsr) },
              { "sp_el0", G_STRUCT_OFFSET (HsXenVcpu, sp_el0) },
              { "sp_el1", G_STRUCT_OFFSET (HsXenVcpu, sp_el1) },
              { "elr_el1", G_STRUCT_OFFSET (HsXenVcpu, elr_el1) },
              { "spsr_el1", G_STRUCT_OFFSET (HsXenVcpu, spsr_el1) },
            };

            for (guint k = 0; k < G_N_ELEMENTS (extra); k++)
              {
                Field f;

                if (field (r->xen, "cpu_user_regs", extra[k].name, &f, NULL))
                  G_STRUCT_MEMBER (guint64, v, extra[k].at) = get_le (rbuf, regs_size, f.offset,
                                                                      f.size);
              }
          }
          v->has_guest_regs = TRUE;
          v->regs_va = info + user_regs.offset;
        }
      dom->n_vcpu_info++;
    }
  return TRUE;
}

gboolean
hs_xen_read_current_vcpus (HsSymbolFile   *xen,
                           guint64         offset,
                           HsXenReadFunc   read,
                           gpointer        user_data,
                           guint           n_cpus,
                           guint64        *vcpus,
                           GError        **error)
{
  HsSymbol curr, offsets;

  memset (vcpus, 0, sizeof (guint64) * n_cpus);
  if (!hs_symbol_file_lookup (xen, "per_cpu__curr_vcpu", &curr)
      || !hs_symbol_file_lookup (xen, "__per_cpu_offset", &offsets))
    {
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NOT_FOUND,
                   "xen-syms has no per_cpu__curr_vcpu or __per_cpu_offset");
      return FALSE;
    }
  for (guint cpu = 0; cpu < n_cpus; cpu++)
    {
      guint64 per_cpu;
      guint8 buf[8];

      if (offsets.size && (cpu + 1) * 8 > offsets.size)
        break;
      if (!read (offsets.address + offset + 8 * cpu, buf, 8, user_data, error))
        return FALSE;
      per_cpu = get_le (buf, 8, 0, 8);
      if (!read (curr.address + offset + per_cpu, buf, 8, user_data, error))
        {
          g_prefix_error (error, "per_cpu(curr_vcpu, %u): ", cpu);
          return FALSE;
        }
      vcpus[cpu] = get_le (buf, 8, 0, 8);
    }
  return TRUE;
}

/* Ends a walk cut short: the domains read so far stand, and *@cut_short says why. */
static gboolean
cut_walk (char       **cut_short,
          const char  *fmt,
          ...) G_GNUC_PRINTF (2, 3);

static gboolean
cut_walk (char       **cut_short,
          const char  *fmt,
          ...)
{
  va_list args;

  if (cut_short != NULL)
    {
      va_start (args, fmt);
      g_free (*cut_short);
      *cut_short = g_strdup_vprintf (fmt, args);
      va_end (args);
    }
  return TRUE;
}

gboolean
hs_xen_read_domains (HsSymbolFile   *xen,
                     guint64         offset,
                     HsXenReadFunc   read,
                     gpointer        user_data,
                     GArray         *domains,
                     char          **cut_short,
                     GError        **error)
{
  Reader r = { xen, read, user_data };
  gint64 walk_deadline = g_get_monotonic_time () + (gint64) HS_XEN_WALK_SECONDS * G_USEC_PER_SEC;
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
      g_autoptr(GError) bad = NULL;
      guint64 v = 0, vcpus = 0, vcpu0 = 0;

      /* What breaks the list ends the walk; the domains before stay. Each read has its own
       * deadline on the probe, not the walk. */
      if (g_get_monotonic_time () > walk_deadline)
        return cut_walk (cut_short, "the walk of Xen's domain_list was cut short after %u "
                         "domains: it took more than %u s", n, HS_XEN_WALK_SECONDS);
      if (n >= HS_XEN_MAX_DOMAINS)
        return cut_walk (cut_short, "Xen's domain_list has more than %d entries: corrupt or "
                         "looping", HS_XEN_MAX_DOMAINS);
      if (!plausible_pointer (d))
        return cut_walk (cut_short, "Xen's domain_list holds an impossible pointer 0x%"
                         G_GINT64_MODIFIER "x after %u domains", d, n);
      for (guint k = 0; k < seen->len; k++)
        if (g_array_index (seen, guint64, k) == d)
          return cut_walk (cut_short, "Xen's domain_list loops back to 0x%" G_GINT64_MODIFIER
                           "x after %u domains", d, n);
      g_array_append_val (seen, d);

      dom.domain_va = d;
      if (!read_field (&r, d, &domain_id, &v, &bad))
        {
          g_autofree char *why = g_strdup (bad->message);

          return cut_walk (cut_short, "Xen's domain %u in domain_list, at 0x%" G_GINT64_MODIFIER
                           "x, cannot be read: %s", n, d, why);
        }
      dom.domain_id = (gint) v;

      /* What is wrong inside one domain marks that domain, and the walk goes on. */
      if (!read_field (&r, d, &max_vcpus, &vcpus, &bad)
          || !read_field (&r, d, &vmid, &v, &bad)
          || !read_field (&r, d, &vttbr, &dom.vttbr, &bad))
        goto corrupt;
      dom.vmid = (guint) v;
      dom.n_vcpus = (guint) MIN (vcpus, (guint64) G_MAXUINT);
      if (v > 0xffff || vcpus > HS_XEN_MAX_VCPUS)
        {
          g_set_error (&bad, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "impossible values (VMID %" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT
                       " vCPUs)", v, vcpus);
          dom.n_vcpus = 0;
          goto corrupt;
        }

      /* vCPU 0's saved EL1 state: what translates the guest while no core runs it. */
      if (dom.n_vcpus > 0)
        {
          guint64 array = 0;

          /* A domain still being built may have no vCPUs yet: that is no error. */
          if (read_field (&r, d, &vcpu, &array, &bad) && plausible_pointer (array)
              && read_field (&r, array, &(Field) { 0, 8 }, &vcpu0, &bad)
              && plausible_pointer (vcpu0)
              && read_field (&r, vcpu0, &ttbr0, &dom.ttbr0, &bad)
              && read_field (&r, vcpu0, &ttbr1, &dom.ttbr1, &bad)
              && read_field (&r, vcpu0, &ttbcr, &dom.tcr, &bad)
              && read_field (&r, vcpu0, &sctlr, &dom.sctlr, &bad))
            {
              dom.has_saved_el1 = TRUE;
              dom.has_mair = have_mair && read_field (&r, vcpu0, &mair, &dom.mair, NULL);
            }
          else if (bad != NULL)
            goto corrupt;
        }

      {
        Field dying, shut, pause, cpause;
        guint64 v1 = 0, v2 = 0, v3 = 0, v4 = 0;

        if (field (xen, "domain", "is_dying", &dying, NULL)
            && read_field (&r, d, &dying, &v1, NULL))
          dom.dying = v1 != 0;
        if (field (xen, "domain", "is_shut_down", &shut, NULL)
            && read_field (&r, d, &shut, &v2, NULL))
          dom.shut_down = v2 != 0;
        if (field (xen, "domain", "pause_count", &pause, NULL)
            && read_field (&r, d, &pause, &v3, NULL))
          dom.paused = (guint32) v3 != 0;
        if (field (xen, "domain", "controller_pause_count", &cpause, NULL)
            && read_field (&r, d, &cpause, &v4, NULL))
          dom.paused |= (guint32) v4 != 0;
      }
      read_vcpus (&r, d, &vcpu, &dom, &bad);

    corrupt:
      if (bad != NULL)
        dom.corrupt = g_strdup (bad->message);
      if (dom.domain_id >= 0 && dom.domain_id < DOMID_FIRST_RESERVED)
        g_array_append_val (domains, dom);
      else
        hs_xen_domain_clear (&dom);
      g_clear_error (&bad);
      if (!read_field (&r, d, &next, &d, &bad))
        {
          g_autofree char *why = g_strdup (bad->message);

          return cut_walk (cut_short, "Xen's domain_list cannot be followed past domain %d: %s",
                           dom.domain_id, why);
        }
    }
  return TRUE;
}

/* A field of Xen's saved guest registers (cpu_user_regs' member name) in our copy of it. */
void
hs_xen_vcpu_set_saved (HsXenVcpu  *v,
                       const char *member,
                       guint64     value)
{
  guint64 n;

  if (g_str_equal (member, "fp"))
    v->x[29] = value;
  else if (g_str_equal (member, "lr"))
    v->x[30] = value;
  else if (g_str_equal (member, "pc"))
    v->pc = value;
  else if (g_str_equal (member, "cpsr"))
    v->cpsr = value;
  else if (g_str_equal (member, "sp_el0"))
    v->sp_el0 = value;
  else if (g_str_equal (member, "sp_el1"))
    v->sp_el1 = value;
  else if (member[0] == 'x' && g_ascii_string_to_unsigned (member + 1, 10, 0, 28, &n, NULL))
    v->x[n] = value;
}

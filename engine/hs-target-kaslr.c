/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-target-kaslr.c: where each guest's kernel really runs. Distribution kernels randomise
 * their virtual base at boot (KASLR): every vmlinux address is then off by the same slide, and
 * nothing read through the symbols is right until it is applied.
 *
 * The slide is found from what the guest itself set up, checked before it is believed:
 *   1. the kernel where vmlinux says it is (nokaslr, or no seed at boot): linux_banner reads
 *      "Linux version" at its link address;
 *   2. else VBAR_EL1 (live on the core that runs one of the guest's vCPUs, or as Xen saved it)
 *      points at the kernel's exception `vectors`: the slide is VBAR_EL1 - vectors, accepted only
 *      when linux_banner reads right through it.
 * A slide the user set (sYmbol.RELOCate, a load offset) is never replaced; one found is applied
 * to the guest's kernel binding in place and not looked for again while that binding stands.
 *
 * Worker only, with the rest of HsTarget (@slides_found).
 */
#define G_LOG_DOMAIN "hs-engine"

#include "config.h"

#include "hs-target-private.h"

#include <string.h>

#define BANNER "Linux version "

/* The slide is a multiple of 2 MiB on arm64 (the kernel keeps its 2 MiB alignment); anything
 * else is not a slide, whatever VBAR_EL1 holds. Bounded by the kernel's VA range. */
#define SLIDE_ALIGN (G_GUINT64_CONSTANT (0x10000))
#define MAX_SLIDE   (G_GUINT64_CONSTANT (1) << 47)

static gboolean
banner_at (HsTarget     *self,
           guint         machine,
           HsSymbolFile *vmlinux,
           guint64       slide)
{
  GuestReader reader = { self, machine, FALSE };
  char text[sizeof BANNER - 1];
  HsSymbol banner;

  return hs_symbol_file_lookup (vmlinux, "linux_banner", &banner)
         && hs_target_read_guest (banner.address + slide, text, sizeof text, &reader, NULL)
         && memcmp (text, BANNER, sizeof text) == 0;
}

/* The guest's VBAR_EL1: live from a core running one of its vCPUs, else as Xen saved it. */
static gboolean
guest_vbar (HsTarget          *self,
            const HsXenDomain *dom,
            guint64           *vbar,
            const char       **where)
{
  gboolean running;
  gint core = hs_target_core_holding_guest (self, dom, &running);
  gint index = hs_target_lookup_register (self, "VBAR_EL1");

  if (core >= 0 && running && index >= 0 && self->probe != NULL)
    {
      guint idx = (guint) index;
      gboolean ok = FALSE;

      if (hs_probe_read_registers (self->probe, (guint) core, &idx, 1, vbar, &ok, NULL) && ok
          && *vbar != 0)
        {
          *where = "VBAR_EL1 of the core running it";
          return TRUE;
        }
    }
  for (guint v = 0; v < dom->n_vcpu_info; v++)
    if (dom->vcpus[v].has_vbar && dom->vcpus[v].vbar != 0)
      {
        *vbar = dom->vcpus[v].vbar;
        *where = "VBAR_EL1 as Xen saved it";
        return TRUE;
      }
  return FALSE;
}

static void
note (Snapshot   *snap,
      guint       machine,
      const char *format,
      ...) G_GNUC_PRINTF (3, 4);

static void
note (Snapshot   *snap,
      guint       machine,
      const char *format,
      ...)
{
  va_list args;

  va_start (args, format);
  g_hash_table_replace (snap->slide_notes, GUINT_TO_POINTER (machine),
                        g_strdup_vprintf (format, args));
  va_end (args);
}

static void
find_slide (HsTarget          *self,
            Snapshot          *snap,
            const HsXenDomain *dom,
            const HsSymbolBinding *b)
{
  guint64 vbar = 0, slide;
  const char *where = NULL;
  HsSymbol vectors;

  /* The user's slide, or one checked at an earlier halt, holds while the binding does (any
   * change to it, by the user or by this file, makes a new one). */
  if (b->user_offset
      || g_hash_table_lookup (self->slides_found, GUINT_TO_POINTER (dom->machine)) == b)
    return;
  if (banner_at (self, dom->machine, b->file, b->offset))
    {
      g_hash_table_replace (self->slides_found, GUINT_TO_POINTER (dom->machine),
                            hs_symbol_binding_ref ((HsSymbolBinding *) b));
      return;
    }
  if (b->offset != 0 && banner_at (self, dom->machine, b->file, 0))
    slide = 0;
  else if (!hs_symbol_file_lookup (b->file, "vectors", &vectors))
    {
      note (snap, dom->machine, "its kernel is not where %s says, and it has no `vectors` "
            "symbol to find the KASLR slide by: set it with sYmbol.RELOCate",
            hs_symbol_file_get_path (b->file));
      return;
    }
  else if (!guest_vbar (self, dom, &vbar, &where))
    {
      note (snap, dom->machine, "its kernel is not where %s says, and neither a core nor Xen "
            "holds its VBAR_EL1 to find the KASLR slide by: set it with sYmbol.RELOCate",
            hs_symbol_file_get_path (b->file));
      return;
    }
  else
    {
      slide = vbar - vectors.address;
      if (vbar < vectors.address || slide > MAX_SLIDE || (slide & (SLIDE_ALIGN - 1)) != 0
          || !banner_at (self, dom->machine, b->file, slide))
        {
          note (snap, dom->machine, "its kernel is not where %s says, and %s (0x%"
                G_GINT64_MODIFIER "x) gives no KASLR slide that linux_banner confirms (is it "
                "this kernel's vmlinux?): set the slide with sYmbol.RELOCate",
                hs_symbol_file_get_path (b->file), where, vbar);
          return;
        }
    }
  g_debug ("machine %u: KASLR slide 0x%" G_GINT64_MODIFIER "x (%s)", dom->machine, slide,
           where ? where : "linux_banner at its link address");
  /* The next halt confirms it through the new binding, in one read. */
  if (hs_symbol_scope_set_kernel_offset (self->symbols, dom->machine, b->file, slide,
                                         HS_OFFSET_DETECTED))
    snap->slides_changed = TRUE;
}

/* Worker, after discovery: every guest's kernel binding gets its slide before anything is read
 * through it. */
void
hs_target_find_slides (HsTarget *self,
                       Snapshot *snap)
{
  if (self->guests != NULL && snap->slide_notes == NULL)
    snap->slide_notes = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  for (guint g = 0; self->guests != NULL && g < self->guests->len; g++)
    {
      const HsXenDomain *dom = &g_array_index (self->guests, HsXenDomain, g);
      g_autoptr(GPtrArray) bindings = hs_symbol_scope_get_bindings (self->symbols, dom->machine);
      const HsSymbolBinding *b = hs_target_kernel_binding (bindings);

      if (b != NULL)
        find_slide (self, snap, dom, b);
    }
}

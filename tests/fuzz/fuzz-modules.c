/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz-modules.c: the Linux module walk on guest memory the input makes, with the layouts of
 * linux-modules-sample.c (tests/engine, built here in 6.1's shape of struct module and 6.4's;
 * HS_FUZZ_SAMPLES names them).
 *
 * Input: a flags byte (the shape, a plain or a vectored reader, a cancellation), the number of
 * reads before that cancellation, then the guest's kernel memory from the `modules` list head
 * on (reads outside it fail). The walk runs twice, the second time given the first one's
 * modules, as the engine walks a guest again at each halt.
 *
 * What every walk must do whatever the memory holds: end, append nothing when it fails, stay
 * within its bounds, and give each module and section a name that is printable text, and a
 * reason when it is corrupt.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "fuzz-memory.h"
#include "fuzz-samples.h"
#include "hs-linux-modules.h"

#define HEADER 2

typedef struct
{
  HsSymbolFile *vmlinux;
  HsLinuxModuleLayout *layout;
  guint64 head;
} Kernel;

static GPtrArray *
kernels (void)
{
  static GPtrArray *loaded;
  GPtrArray *files = fuzz_samples ();

  if (loaded != NULL)
    return loaded;
  loaded = g_ptr_array_new ();
  for (guint i = 0; i < files->len; i++)
    {
      g_autoptr(GError) error = NULL;
      Kernel *k = g_new0 (Kernel, 1);
      HsSymbol sym;

      k->vmlinux = g_ptr_array_index (files, i);
      k->layout = hs_linux_module_layout_new (k->vmlinux, &error);
      if (k->layout == NULL)
        g_error ("%s: %s", hs_symbol_file_get_path (k->vmlinux), error->message);
      if (!hs_symbol_file_lookup (k->vmlinux, "modules", &sym))
        g_error ("%s has no modules list", hs_symbol_file_get_path (k->vmlinux));
      k->head = sym.address;
      g_ptr_array_add (loaded, k);
    }
  return loaded;
}

static void
check_text (const char *text)
{
  g_assert_true (g_utf8_validate (text, -1, NULL));
  g_assert_cmpuint (strlen (text), >, 0);
  for (const char *c = text; *c != '\0'; c++)
    g_assert_true ((guint8) *c >= 0x20 && (guint8) *c < 0x7f);
}

static GArray *
walk (const Kernel        *k,
      const HsLinuxReader *reader,
      const GArray        *previous)
{
  GArray *modules = g_array_new (FALSE, TRUE, sizeof (HsLinuxModule));
  g_autoptr(GError) error = NULL;
  g_autofree char *warning = NULL;

  g_array_set_clear_func (modules, (GDestroyNotify) hs_linux_module_clear);
  if (!hs_linux_read_modules (k->layout, k->vmlinux, 0, reader, previous, modules, &warning,
                              &error))
    {
      g_assert_nonnull (error);
      g_assert_cmpuint (modules->len, ==, 0);
      return modules;
    }
  g_assert_cmpuint (modules->len, <=, HS_LINUX_MAX_MODULES);
  for (guint i = 0; i < modules->len; i++)
    {
      const HsLinuxModule *m = &g_array_index (modules, HsLinuxModule, i);

      check_text (m->name);
      g_assert_true (m->corrupt == (m->corrupt_reason != NULL));
      g_assert_cmpuint (m->n_sections, <=, HS_LINUX_MAX_MODULE_SECTIONS);
      g_assert_cmpuint (m->build_id_len, <=, sizeof m->build_id);
      g_assert_true (m->n_sections == 0 || m->sections != NULL);
      for (guint s = 0; s < m->n_sections; s++)
        check_text (m->sections[s].name);
    }
  return modules;
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  GPtrArray *all = kernels ();
  g_autoptr(GCancellable) cancellable = NULL;
  g_autoptr(GArray) first = NULL;
  g_autoptr(GArray) again = NULL;
  HsLinuxReader reader;
  const Kernel *k;
  FuzzMemory m;
  guint8 flags;

  if (size < HEADER)
    return 0;
  flags = data[0];
  k = all->pdata[(flags & 1) % all->len];
  cancellable = g_cancellable_new ();
  m = (FuzzMemory) {
    .mem = data + HEADER,
    .size = size - HEADER,
    .base = k->head,
    .cancel_after = flags & 4 ? data[1] + 1 : 0,
    .cancellable = cancellable,
  };
  reader = (HsLinuxReader) {
    .read = fuzz_memory_read,
    .readv = flags & 2 ? fuzz_memory_readv : NULL,
    .user_data = &m,
    .cancellable = cancellable,
  };
  first = walk (k, &reader, NULL);
  again = walk (k, &reader, first);
  return 0;
}

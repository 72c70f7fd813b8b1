/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz-printk.c: the kernel log readers (a guest's printk ring, Xen's console ring) on memory
 * the input makes, with the layouts of printk-sample.c (tests/engine, built here as 5.10+'s
 * printk_ringbuffer and 3.11-5.9's log_buf; HS_FUZZ_SAMPLES names them).
 *
 * Input: a flags byte (the shape, a plain or a vectored reader, a cancellation), the number of
 * reads before that cancellation, 64 bytes of the readers' global variables (prb or log_buf and
 * its indexes; conring, conring_size, conringc, conringp: what each points at is the input's
 * choice), then the memory those pointers may point into, at HEAP. Reads anywhere else fail.
 *
 * What every read must do whatever the memory holds: end, append nothing when it fails, and
 * give lines of valid UTF-8 without control characters, no more text than the ring can hold.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "fuzz-memory.h"
#include "fuzz-samples.h"
#include "hs-linux-printk.h"
#include "hs-xen-console.h"

#define HEADER 2
#define GLOBALS 64
#define HEAP G_GUINT64_CONSTANT (0xffff000020000000)

/* The globals, in the order their values come in the input, each 8 or 4 bytes wide. */
static const struct
{
  const char *name;
  guint size;
} globals[] = {
  { "prb", 8 }, { "log_buf", 8 }, { "log_buf_len", 4 }, { "log_first_idx", 4 },
  { "log_next_idx", 4 }, { "log_first_seq", 8 }, { "log_next_seq", 8 },
  { "conring", 8 }, { "conring_size", 4 }, { "conringc", 4 }, { "conringp", 4 },
};

typedef struct
{
  HsSymbolFile *vmlinux;
  HsLinuxPrintkLayout *layout;
  guint64 address[G_N_ELEMENTS (globals)];   /* 0: this shape has no such variable */
} Kernel;

typedef struct
{
  guint8 bytes[G_N_ELEMENTS (globals)][8];
  const Kernel *kernel;
  FuzzMemory heap;
} Memory;

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

      k->vmlinux = g_ptr_array_index (files, i);
      k->layout = hs_linux_printk_layout_new (k->vmlinux, &error);
      if (k->layout == NULL)
        g_error ("%s: %s", hs_symbol_file_get_path (k->vmlinux), error->message);
      for (guint g = 0; g < G_N_ELEMENTS (globals); g++)
        {
          HsSymbol sym;

          if (hs_symbol_file_lookup (k->vmlinux, globals[g].name, &sym))
            k->address[g] = sym.address;
        }
      g_ptr_array_add (loaded, k);
    }
  return loaded;
}

/* A read of one global, whole, or of the heap. */
static gboolean
read_mem (guint64    va,
          void      *buf,
          gsize      len,
          gpointer   user_data,
          GError   **error)
{
  Memory *m = user_data;

  for (guint g = 0; g < G_N_ELEMENTS (globals); g++)
    if (m->kernel->address[g] != 0 && va == m->kernel->address[g] && len <= globals[g].size)
      {
        m->heap.reads++;
        memcpy (buf, m->bytes[g], len);
        return TRUE;
      }
  return fuzz_memory_read (va, buf, len, &m->heap, error);
}

static gboolean
readv_mem (HsLinuxRead  *reads,
           guint         n_reads,
           gpointer      user_data,
           GError      **error)
{
  for (guint i = 0; i < n_reads; i++)
    reads[i].ok = read_mem (reads[i].va, reads[i].buf, reads[i].len, user_data, NULL);
  return TRUE;
}

static void
check_lines (GArray *lines,
             gsize   most_text)
{
  gsize text = 0;

  for (guint i = 0; i < lines->len; i++)
    {
      const HsLogLine *l = &g_array_index (lines, HsLogLine, i);

      g_assert_nonnull (l->text);
      g_assert_true (g_utf8_validate (l->text, -1, NULL));
      for (const char *c = l->text; *c != '\0'; c = g_utf8_next_char (c))
        {
          gunichar u = g_utf8_get_char (c);

          g_assert_true (u == '\t' || (u >= 0x20 && u != 0x7f && !(u >= 0x80 && u < 0xa0)));
        }
      text += strlen (l->text);
    }
  /* Escaping makes a byte four at most ("\xNN"). */
  g_assert_cmpuint (text, <=, 4 * most_text + lines->len);
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  GPtrArray *all = kernels ();
  g_autoptr(GCancellable) cancellable = NULL;
  g_autoptr(GArray) lines = hs_log_lines_new ();
  g_autoptr(GArray) xen = hs_log_lines_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *warning = NULL;
  HsLinuxReader reader;
  const guint8 *p;
  Memory m = { 0 };
  guint8 flags;

  if (size < HEADER + GLOBALS)
    return 0;
  flags = data[0];
  m.kernel = all->pdata[(flags & 1) % all->len];
  p = data + HEADER;
  for (guint g = 0; g < G_N_ELEMENTS (globals); g++)
    {
      memcpy (m.bytes[g], p, globals[g].size);
      p += globals[g].size;
    }
  cancellable = g_cancellable_new ();
  m.heap = (FuzzMemory) {
    .mem = data + HEADER + GLOBALS,
    .size = size - HEADER - GLOBALS,
    .base = HEAP,
    .cancel_after = flags & 4 ? data[1] + 1 : 0,
    .cancellable = cancellable,
  };
  reader = (HsLinuxReader) {
    .read = read_mem,
    .readv = flags & 2 ? readv_mem : NULL,
    .user_data = &m,
    .cancellable = cancellable,
  };

  if (!hs_linux_printk_read (m.kernel->layout, m.kernel->vmlinux, 0, &reader, lines, &warning,
                             &error))
    {
      g_assert_nonnull (error);
      g_assert_cmpuint (lines->len, ==, 0);
      g_clear_error (&error);
    }
  check_lines (lines, HS_LINUX_PRINTK_MAX_DATA);

  if (!hs_xen_console_read (m.kernel->vmlinux, 0, read_mem, &m, xen, NULL, &error))
    {
      g_assert_nonnull (error);
      g_assert_cmpuint (xen->len, ==, 0);
    }
  check_lines (xen, HS_XEN_CONSOLE_MAX_SIZE);
  return 0;
}

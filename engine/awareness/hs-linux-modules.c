/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-linux-modules.c: the guest's `modules` list (see hs-linux-modules.h).
 *
 * Pure: everything comes through the reader; nothing here keeps state between walks except
 * what the caller hands back as @previous. With a vectored reader, the list head and every
 * struct module the previous walk found are read ahead in one batch, so a guest whose modules
 * did not change costs one round trip; the walk still follows every link as read now.
 */
#define G_LOG_DOMAIN "hs-linux"

#include "config.h"

#include "hs-linux-modules.h"

#include <string.h>

/* struct module is ~1 KiB on 6.1 arm64, its sysfs section entry ~100 bytes: a larger one is a
 * crafted file, and a walk reads that much per module. */
#define MAX_MODULE_STRUCT     (64 * 1024)
#define MAX_SECTION_ATTR      4096
/* What one walk reads ahead, at most. */
#define MAX_READ_AHEAD        (4 * 1024 * 1024)
/* No module's code or data comes near this; more is a corrupt record. */
#define MAX_MODULE_BYTES      (G_GUINT64_CONSTANT (1) << 30)

/* 6.4+ enum mod_mem_type: the order the kernel has kept since it was introduced. */
enum { MOD_TEXT = 0, MOD_DATA = 1, MOD_INIT_TEXT = 4 };

struct _HsLinuxModuleLayout
{
  guint64 module_size;
  HsLinuxField list;             /* struct list_head: next at +0 */
  HsLinuxField name;
  HsLinuxField state;
  HsLinuxField sect_attrs;       /* size 0: this kernel does not list sections */
  gboolean per_type;             /* 6.4+: mem[] rather than core_layout/init_layout */
  HsLinuxField text_base, text_size;
  HsLinuxField core_size;        /* 6.1: core_layout.size (code, then data) */
  HsLinuxField data_base, data_size;   /* 6.4+ */
  HsLinuxField init_base, init_size;
  /* struct module_sect_attrs and its entries */
  HsLinuxField nsections;
  guint64 attrs_offset;
  guint64 attr_size;
  HsLinuxField attr_name;        /* battr.attr.name: a char * */
  HsLinuxField attr_address;
};

static const char * const state_names[] = { "live", "coming", "going", "unformed" };

const char *
hs_linux_module_state_to_string (guint state)
{
  return state < G_N_ELEMENTS (state_names) ? state_names[state] : "unknown";
}

void
hs_linux_module_clear (HsLinuxModule *module)
{
  for (guint i = 0; module->sections != NULL && i < module->n_sections; i++)
    g_free (module->sections[i].name);
  g_clear_pointer (&module->sections, g_free);
  module->n_sections = 0;
  g_clear_pointer (&module->sections_note, g_free);
  g_clear_pointer (&module->corrupt_reason, g_free);
}

void
hs_linux_module_copy (HsLinuxModule       *dst,
                      const HsLinuxModule *src)
{
  *dst = *src;
  dst->sections = src->n_sections ? g_new0 (HsLinuxModuleSection, src->n_sections) : NULL;
  for (guint i = 0; i < src->n_sections; i++)
    {
      dst->sections[i].name = g_strdup (src->sections[i].name);
      dst->sections[i].address = src->sections[i].address;
    }
  dst->sections_note = g_strdup (src->sections_note);
  dst->corrupt_reason = g_strdup (src->corrupt_reason);
}

const HsLinuxModuleSection *
hs_linux_module_find_section (const HsLinuxModule *module,
                              const char          *name)
{
  for (guint i = 0; i < module->n_sections; i++)
    if (g_strcmp0 (module->sections[i].name, name) == 0)
      return &module->sections[i];
  return NULL;
}

/* ---- layout -------------------------------------------------------------------------------- */

static gboolean
member (HsSymbolFile  *vmlinux,
        const char    *type,
        guint64        type_size,
        const char    *path,
        guint64        max_size,
        HsLinuxField  *out,
        GError       **error)
{
  if (!hs_symbol_file_member (vmlinux, type, path, &out->offset, &out->size, error))
    {
      g_prefix_error (error, "cannot find Linux's module layout in %s: ",
                      hs_symbol_file_get_path (vmlinux));
      return FALSE;
    }
  if (out->size == 0 || out->size > max_size || out->offset > type_size
      || out->size > type_size - out->offset)
    {
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT,
                   "cannot use Linux's module layout in %s: %s.%s (%" G_GUINT64_FORMAT
                   " bytes at offset %" G_GUINT64_FORMAT ") is not a field of at most %"
                   G_GUINT64_FORMAT " bytes inside its %" G_GUINT64_FORMAT "-byte structure",
                   hs_symbol_file_get_path (vmlinux), type, path, out->size, out->offset,
                   max_size, type_size);
      return FALSE;
    }
  return TRUE;
}

static gboolean
has_member (HsSymbolFile *vmlinux,
            const char   *type,
            const char   *path)
{
  guint64 offset, size;

  return hs_symbol_file_member (vmlinux, type, path, &offset, &size, NULL);
}

/* The sysfs section table (kernel/module/sysfs.c): optional, a kernel without CONFIG_SYSFS or
 * CONFIG_KALLSYMS has none, and then only the module's code base is known. */
static void
section_layout (HsSymbolFile        *vmlinux,
                HsLinuxModuleLayout *l)
{
  guint64 attrs_size = 0, attrs_type_size = 0;
  HsLinuxField attrs = { 0, 0 };

  if (!member (vmlinux, "module", l->module_size, "sect_attrs", 8, &l->sect_attrs, NULL)
      || !hs_symbol_file_get_type_size (vmlinux, "struct module_sect_attrs", &attrs_type_size,
                                        NULL)
      || !hs_symbol_file_get_type_size (vmlinux, "struct module_sect_attr", &l->attr_size, NULL)
      || l->attr_size == 0 || l->attr_size > MAX_SECTION_ATTR || attrs_type_size > 4096
      || !member (vmlinux, "module_sect_attrs", attrs_type_size, "nsections", 4, &l->nsections,
                  NULL)
      || !hs_symbol_file_member (vmlinux, "module_sect_attrs", "attrs", &attrs.offset,
                                 &attrs_size, NULL)
      || attrs.offset > attrs_type_size
      || !member (vmlinux, "module_sect_attr", l->attr_size, "battr.attr.name", 8, &l->attr_name,
                  NULL)
      || !member (vmlinux, "module_sect_attr", l->attr_size, "address", 8, &l->attr_address,
                  NULL))
    {
      l->sect_attrs = (HsLinuxField) { 0, 0 };
      return;
    }
  l->attrs_offset = attrs.offset;
}

HsLinuxModuleLayout *
hs_linux_module_layout_new (HsSymbolFile  *vmlinux,
                            GError       **error)
{
  g_autoptr(HsLinuxModuleLayout) l = g_new0 (HsLinuxModuleLayout, 1);
  guint64 n;

  g_return_val_if_fail (HS_IS_SYMBOL_FILE (vmlinux), NULL);

  if (!hs_symbol_file_get_type_size (vmlinux, "struct module", &l->module_size, error))
    {
      g_prefix_error (error, "cannot find Linux's module layout in %s: ",
                      hs_symbol_file_get_path (vmlinux));
      return NULL;
    }
  n = l->module_size;
  if (n == 0 || n > MAX_MODULE_STRUCT)
    {
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT,
                   "cannot use Linux's module layout in %s: struct module is %" G_GUINT64_FORMAT
                   " bytes, which no kernel's is (corrupt DWARF?)",
                   hs_symbol_file_get_path (vmlinux), n);
      return NULL;
    }
  if (!member (vmlinux, "module", n, "list", 16, &l->list, error)
      || !member (vmlinux, "module", n, "name", HS_LINUX_MODULE_NAME_LEN + 1, &l->name, error)
      || !member (vmlinux, "module", n, "state", 4, &l->state, error))
    return NULL;

  l->per_type = !has_member (vmlinux, "module", "core_layout") && has_member (vmlinux, "module",
                                                                             "mem");
  if (l->per_type)
    {
      g_autofree char *tb = g_strdup_printf ("mem[%d].base", MOD_TEXT);
      g_autofree char *ts = g_strdup_printf ("mem[%d].size", MOD_TEXT);
      g_autofree char *db = g_strdup_printf ("mem[%d].base", MOD_DATA);
      g_autofree char *ds = g_strdup_printf ("mem[%d].size", MOD_DATA);
      g_autofree char *ib = g_strdup_printf ("mem[%d].base", MOD_INIT_TEXT);
      g_autofree char *is = g_strdup_printf ("mem[%d].size", MOD_INIT_TEXT);

      if (!member (vmlinux, "module", n, tb, 8, &l->text_base, error)
          || !member (vmlinux, "module", n, ts, 8, &l->text_size, error)
          || !member (vmlinux, "module", n, db, 8, &l->data_base, error)
          || !member (vmlinux, "module", n, ds, 8, &l->data_size, error)
          || !member (vmlinux, "module", n, ib, 8, &l->init_base, error)
          || !member (vmlinux, "module", n, is, 8, &l->init_size, error))
        return NULL;
    }
  else if (!member (vmlinux, "module", n, "core_layout.base", 8, &l->text_base, error)
           || !member (vmlinux, "module", n, "core_layout.text_size", 8, &l->text_size, error)
           || !member (vmlinux, "module", n, "core_layout.size", 8, &l->core_size, error)
           || !member (vmlinux, "module", n, "init_layout.base", 8, &l->init_base, error)
           || !member (vmlinux, "module", n, "init_layout.size", 8, &l->init_size, error))
    return NULL;
  section_layout (vmlinux, l);
  return g_steal_pointer (&l);
}

void
hs_linux_module_layout_free (HsLinuxModuleLayout *layout)
{
  g_free (layout);
}

/* ---- the walk ---------------------------------------------------------------------------- */

static gboolean
is_kernel_address (guint64 p)
{
  return p >= G_GUINT64_CONSTANT (0xffff000000000000) && p != G_MAXUINT64;
}

static guint64
get_le (const guint8      *buf,
        gsize              len,
        const HsLinuxField *f)
{
  guint64 v = 0;

  if (f->size == 0 || f->size > 8 || f->offset > len || f->size > len - f->offset)
    return 0;
  for (guint i = 0; i < f->size; i++)
    v |= (guint64) buf[f->offset + i] << (8 * i);
  return v;
}

/* Text the guest holds, as the user may see it: up to the first NUL of @len bytes, printable
 * ASCII kept, anything else '?'. FALSE when there is no NUL or nothing before it. */
static gboolean
copy_text (char         *out,
           gsize         out_len,
           const guint8 *in,
           gsize         len)
{
  gsize n = 0;

  while (n < len && in[n] != 0)
    n++;
  if (n == len || n == 0 || n >= out_len)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    out[i] = in[i] >= 0x20 && in[i] < 0x7f ? (char) in[i] : '?';
  out[n] = '\0';
  return TRUE;
}

typedef struct
{
  const HsLinuxModuleLayout *layout;
  const HsLinuxReader *reader;
  gint64 deadline;
  GString *warnings;
} Walk;

static void
warn (Walk       *w,
      const char *format,
      ...) G_GNUC_PRINTF (2, 3);

static void
warn (Walk       *w,
      const char *format,
      ...)
{
  va_list args;

  if (w->warnings->len > 0)
    g_string_append (w->warnings, "; ");
  va_start (args, format);
  g_string_append_vprintf (w->warnings, format, args);
  va_end (args);
}

static gboolean
readv_or_each (const HsLinuxReader  *reader,
               HsLinuxRead          *reads,
               guint                 n,
               GError              **error)
{
  if (reader->readv != NULL)
    return reader->readv (reads, n, reader->user_data, error);
  for (guint i = 0; i < n; i++)
    reads[i].ok = reader->read (reads[i].va, reads[i].buf, reads[i].len, reader->user_data,
                                NULL);
  return TRUE;
}

/* The module's GNU build ID, from its build-id note where the kernel loaded it: what tells its
 * debug file from one of another build. Left unknown when the note is not there or not one. */
static void
read_build_id (Walk          *w,
               HsLinuxModule *m)
{
  const HsLinuxModuleSection *note = hs_linux_module_find_section (m, ".note.gnu.build-id");
  guint8 buf[12 + 4 + sizeof m->build_id];
  gsize len;
  guint32 namesz, descsz, type;

  if (note == NULL || !is_kernel_address (note->address))
    return;
  /* Up to its page's end: a short note just before an unmapped page still reads. */
  len = MIN (sizeof buf, 0x1000 - (note->address & 0xfff));
  if (len < 16 || !w->reader->read (note->address, buf, len, w->reader->user_data, NULL))
    return;
  memcpy (&namesz, buf, 4);
  memcpy (&descsz, buf + 4, 4);
  memcpy (&type, buf + 8, 4);
  namesz = GUINT32_FROM_LE (namesz);
  descsz = GUINT32_FROM_LE (descsz);
  type = GUINT32_FROM_LE (type);
  if (type != 3 /* NT_GNU_BUILD_ID */ || namesz != 4 || memcmp (buf + 12, "GNU", 4) != 0
      || descsz == 0 || descsz > sizeof m->build_id || 16 + descsz > len)
    return;
  memcpy (m->build_id, buf + 16, descsz);
  m->build_id_len = descsz;
}

/* The module's ELF sections as the kernel lists them in sysfs. */
static void
read_sections (Walk          *w,
               HsLinuxModule *m,
               guint64        sect_attrs)
{
  const HsLinuxModuleLayout *l = w->layout;
  g_autofree guint8 *table = NULL;
  g_autofree HsLinuxRead *reads = NULL;
  g_autofree char *names = NULL;
  guint8 count[4];
  guint n;

  if (l->sect_attrs.size == 0)
    {
      m->sections_note = g_strdup ("this kernel does not list module sections (no sysfs "
                                   "section attributes in its DWARF)");
      return;
    }
  if (sect_attrs == 0)
    {
      m->sections_note = g_strdup ("the module lists no sections (sect_attrs is NULL)");
      return;
    }
  if (!is_kernel_address (sect_attrs)
      || !w->reader->read (sect_attrs + l->nsections.offset, count, 4, w->reader->user_data,
                           NULL))
    {
      m->sections_note = g_strdup_printf ("its section table at 0x%" G_GINT64_MODIFIER "x cannot "
                                          "be read", sect_attrs);
      return;
    }
  n = count[0] | count[1] << 8 | count[2] << 16 | (guint) count[3] << 24;
  if (n == 0 || n > HS_LINUX_MAX_MODULE_SECTIONS)
    {
      m->sections_note = g_strdup_printf ("its section table claims %u sections (at most %u "
                                          "believed)", n, HS_LINUX_MAX_MODULE_SECTIONS);
      return;
    }
  table = g_malloc ((gsize) n * l->attr_size);
  if (!w->reader->read (sect_attrs + l->attrs_offset, table, (gsize) n * l->attr_size,
                        w->reader->user_data, NULL))
    {
      m->sections_note = g_strdup_printf ("its %u section entries at 0x%" G_GINT64_MODIFIER "x "
                                          "cannot be read", n, sect_attrs + l->attrs_offset);
      return;
    }

  /* The names, in one batch: each read stops at its page's end, so a name just before an
   * unmapped page still reads. */
  reads = g_new0 (HsLinuxRead, n);
  names = g_malloc0 ((gsize) n * (HS_LINUX_SECTION_NAME_LEN + 1));
  for (guint i = 0; i < n; i++)
    {
      const guint8 *entry = table + (gsize) i * l->attr_size;
      guint64 va = get_le (entry, l->attr_size, &l->attr_name);
      gsize len = MIN (HS_LINUX_SECTION_NAME_LEN + 1, 0x1000 - (va & 0xfff));

      reads[i] = (HsLinuxRead) { va, names + (gsize) i * (HS_LINUX_SECTION_NAME_LEN + 1),
                                 is_kernel_address (va) ? len : 0, FALSE };
    }
  if (!readv_or_each (w->reader, reads, n, NULL))
    {
      m->sections_note = g_strdup ("its section names cannot be read");
      return;
    }
  m->sections = g_new0 (HsLinuxModuleSection, n);
  for (guint i = 0; i < n; i++)
    {
      const guint8 *entry = table + (gsize) i * l->attr_size;
      char name[HS_LINUX_SECTION_NAME_LEN + 1];

      if (reads[i].len == 0 || !reads[i].ok
          || !copy_text (name, sizeof name, reads[i].buf, reads[i].len))
        continue;
      m->sections[m->n_sections].name = g_strdup (name);
      m->sections[m->n_sections].address = get_le (entry, l->attr_size, &l->attr_address);
      m->n_sections++;
    }
  if (m->n_sections < n)
    m->sections_note = g_strdup_printf ("%u of its %u section names could not be read",
                                        n - m->n_sections, n);
  read_build_id (w, m);
}

static const HsLinuxModule *
find_previous (const GArray        *previous,
               const HsLinuxModule *m)
{
  for (guint i = 0; previous != NULL && i < previous->len; i++)
    {
      const HsLinuxModule *p = &g_array_index (previous, HsLinuxModule, i);

      if (p->module == m->module && p->text == m->text && strcmp (p->name, m->name) == 0
          && !p->corrupt && p->sections != NULL)
        return p;
    }
  return NULL;
}

/* Decodes one struct module read whole into @buf. */
static void
decode (Walk          *w,
        const guint8  *buf,
        HsLinuxModule *m)
{
  const HsLinuxModuleLayout *l = w->layout;
  gsize n = l->module_size;
  GString *why = g_string_new (NULL);

  if (!copy_text (m->name, sizeof m->name, buf + l->name.offset, l->name.size))
    {
      g_strlcpy (m->name, "?", sizeof m->name);
      g_string_append (why, "its name is not text; ");
    }
  m->state = (guint) get_le (buf, n, &l->state);
  m->text = get_le (buf, n, &l->text_base);
  m->text_size = get_le (buf, n, &l->text_size);
  if (l->per_type)
    {
      m->data = get_le (buf, n, &l->data_base);
      m->data_size = get_le (buf, n, &l->data_size);
    }
  else
    {
      guint64 size = get_le (buf, n, &l->core_size);

      /* core_layout: the code, then read-only and writable data, in one allocation. */
      m->data = m->text + m->text_size;
      m->data_size = size >= m->text_size ? size - m->text_size : 0;
      if (size < m->text_size)
        g_string_append_printf (why, "its size %" G_GUINT64_FORMAT " is less than its code's %"
                                G_GUINT64_FORMAT "; ", size, m->text_size);
    }
  m->init = get_le (buf, n, &l->init_base);
  m->init_size = get_le (buf, n, &l->init_size);
  if (m->state > HS_LINUX_MODULE_UNFORMED)
    g_string_append_printf (why, "state %u is not a module state; ", m->state);
  if ((m->text != 0 && !is_kernel_address (m->text)) || m->text_size > MAX_MODULE_BYTES
      || m->data_size > MAX_MODULE_BYTES || m->init_size > MAX_MODULE_BYTES
      || (m->init != 0 && !is_kernel_address (m->init)))
    g_string_append (why, "its code or data is not in kernel memory; ");
  if (why->len > 0)
    {
      g_string_truncate (why, why->len - 2);
      m->corrupt = TRUE;
      m->corrupt_reason = g_string_free (why, FALSE);
    }
  else
    g_string_free (why, TRUE);
}

/* The previous walk's structs, read again in one batch with the head: address -> bytes. */
typedef struct
{
  guint n;
  guint64 *address;
  guint8 *bytes;               /* n x module_size */
  gboolean *ok;
} ReadAhead;

static void
read_ahead_clear (ReadAhead *ra)
{
  g_free (ra->address);
  g_free (ra->bytes);
  g_free (ra->ok);
}

/* Reads the head's next pointer into @raw and, with a vectored reader, the previous walk's
 * modules beside it. FALSE with @error when the head itself cannot be read. */
static gboolean
read_head (const HsLinuxModuleLayout  *layout,
           const HsLinuxReader        *reader,
           const GArray               *previous,
           guint64                     head,
           guint8                      raw[8],
           ReadAhead                  *ra,
           GError                    **error)
{
  g_autofree HsLinuxRead *reads = NULL;
  /* Bounded in bytes too: a real kernel's ~1 KiB struct module lets every module read ahead. */
  guint n = previous != NULL && reader->readv != NULL
            ? (guint) MIN (previous->len, MAX_READ_AHEAD / layout->module_size) : 0;

  if (n == 0)
    return reader->read (head, raw, 8, reader->user_data, error);
  ra->n = n;
  ra->address = g_new0 (guint64, n);
  ra->bytes = g_malloc ((gsize) n * layout->module_size);
  ra->ok = g_new0 (gboolean, n);
  reads = g_new0 (HsLinuxRead, n + 1);
  reads[0] = (HsLinuxRead) { head, raw, 8, FALSE };
  for (guint i = 0; i < n; i++)
    {
      ra->address[i] = g_array_index (previous, HsLinuxModule, i).module;
      reads[i + 1] = (HsLinuxRead) { ra->address[i], ra->bytes + (gsize) i * layout->module_size,
                                     layout->module_size, FALSE };
    }
  if (!reader->readv (reads, n + 1, reader->user_data, error))
    return FALSE;
  for (guint i = 0; i < n; i++)
    ra->ok[i] = reads[i + 1].ok;
  if (!reads[0].ok)
    return reader->read (head, raw, 8, reader->user_data, error);
  return TRUE;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ReadAhead, read_ahead_clear)

/* A struct module: from the read-ahead when it has it, else read now. */
static gboolean
read_module (const HsLinuxModuleLayout *layout,
             const HsLinuxReader       *reader,
             const ReadAhead           *ra,
             guint64                    address,
             guint8                    *buf)
{
  for (guint i = 0; i < ra->n; i++)
    if (ra->address[i] == address && ra->ok[i])
      {
        memcpy (buf, ra->bytes + (gsize) i * layout->module_size, layout->module_size);
        return TRUE;
      }
  return reader->read (address, buf, layout->module_size, reader->user_data, NULL);
}

gboolean
hs_linux_read_modules (const HsLinuxModuleLayout *layout,
                       HsSymbolFile              *vmlinux,
                       guint64                    offset,
                       const HsLinuxReader       *reader,
                       const GArray              *previous,
                       GArray                    *modules,
                       char                     **warning,
                       GError                   **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autofree guint8 *buf = NULL;
  g_autofree guint64 *keys = g_new (guint64, HS_LINUX_MAX_MODULES + 1);
  Walk w = { layout, reader, 0, g_string_new (NULL) };
  g_auto(ReadAhead) ra = { 0 };
  HsSymbol head_sym;
  guint64 head, next;
  guint8 raw[8];

  g_return_val_if_fail (layout != NULL && reader != NULL && modules != NULL, FALSE);

  if (warning != NULL)
    *warning = NULL;
  if (!hs_symbol_file_lookup (vmlinux, "modules", &head_sym))
    {
      g_string_free (w.warnings, TRUE);
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NOT_FOUND,
                   "%s has no `modules` list (a kernel built without module support?)",
                   hs_symbol_file_get_path (vmlinux));
      return FALSE;
    }
  head = head_sym.address + offset;
  if (!read_head (layout, reader, previous, head, raw, &ra, error))
    {
      g_string_free (w.warnings, TRUE);
      g_prefix_error (error, "cannot read the module list head at 0x%" G_GINT64_MODIFIER "x: ",
                      head);
      return FALSE;
    }
  w.deadline = g_get_monotonic_time () + (gint64) HS_LINUX_WALK_SECONDS * G_USEC_PER_SEC;
  buf = g_malloc (layout->module_size);
  next = GUINT64_FROM_LE (*(guint64 *) raw);

  for (guint count = 0; next != head; count++)
    {
      HsLinuxModule m = { 0 };
      const HsLinuxModule *before;
      guint64 sect_attrs;

      if (!is_kernel_address (next) || (next & 7) != 0 || next < layout->list.offset)
        {
          warn (&w, "the module list breaks at 0x%" G_GINT64_MODIFIER "x (not a kernel pointer)",
                next);
          break;
        }
      if (count == HS_LINUX_MAX_MODULES)
        {
          warn (&w, "the module list stops after %u modules", HS_LINUX_MAX_MODULES);
          break;
        }
      if (g_get_monotonic_time () > w.deadline)
        {
          warn (&w, "the module list was cut short after %u modules: it took over %d s", count,
                HS_LINUX_WALK_SECONDS);
          break;
        }
      if (reader->cancellable != NULL && g_cancellable_is_cancelled (reader->cancellable))
        {
          warn (&w, "the module list walk was cancelled after %u modules", count);
          break;
        }
      keys[count] = next;
      if (!g_hash_table_add (seen, &keys[count]))
        {
          warn (&w, "the module list loops back to 0x%" G_GINT64_MODIFIER "x", next);
          break;
        }
      m.module = next - layout->list.offset;
      if (!read_module (layout, reader, &ra, m.module, buf))
        {
          warn (&w, "the module at 0x%" G_GINT64_MODIFIER "x cannot be read", m.module);
          break;
        }
      decode (&w, buf, &m);
      sect_attrs = get_le (buf, layout->module_size, &layout->sect_attrs);
      if (m.corrupt)
        ;
      else if ((before = find_previous (previous, &m)) != NULL)
        {
          m.n_sections = before->n_sections;
          m.sections = g_new0 (HsLinuxModuleSection, before->n_sections);
          for (guint i = 0; i < before->n_sections; i++)
            m.sections[i] = (HsLinuxModuleSection) { g_strdup (before->sections[i].name),
                                                     before->sections[i].address };
          m.sections_note = g_strdup (before->sections_note);
          memcpy (m.build_id, before->build_id, sizeof m.build_id);
          m.build_id_len = before->build_id_len;
        }
      else
        read_sections (&w, &m, sect_attrs);
      g_array_append_val (modules, m);
      next = get_le (buf, layout->module_size, &(HsLinuxField) { layout->list.offset, 8 });
    }

  if (warning != NULL && w.warnings->len > 0)
    *warning = g_string_free (w.warnings, FALSE);
  else
    g_string_free (w.warnings, TRUE);
  return TRUE;
}

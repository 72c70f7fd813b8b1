/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-dwarf-precheck.c: DWARF that libdwarf is not trusted to read, checked
 * before it does: the range and location list headers, and each unit's line
 * table header.
 *
 * Debian's libdwarf (20210528) trusts what a .debug_line header says: a
 * directory index past the directories, or a string offset past its
 * section, sends dwarf_srcfiles() and dwarf_srclines_b() to read through a
 * pointer that is not one (fuzz-elf made it strlen() an address of
 * garbage). So the header is walked here first, every length and offset
 * checked against what holds it; a header that fails is a clear error and
 * libdwarf never sees that unit's lines. With self->dwarf_lock held, as
 * every _hs_dwarf_* function; _hs_dwarf_line_header_check() itself is pure.
 */
#define G_LOG_DOMAIN "hs-symbols"

#include "config.h"

#include "hs-symbol-file-private.h"

#include <dwarf.h>
#include <string.h>

/* More than any real unit names: a bound on the loops, not a limit on real programs. */
#define MAX_ENTRIES (1u << 20)

typedef struct
{
  const guint8 *p;
  const guint8 *end;
  gboolean bad;
} Cursor;

static guint64
take (Cursor *c,
      guint   n)
{
  guint64 v = 0;

  if (c->bad || (gsize) (c->end - c->p) < n)
    {
      c->bad = TRUE;
      return 0;
    }
  for (guint i = 0; i < n; i++)
    v |= (guint64) c->p[i] << (8 * i);
  c->p += n;
  return v;
}

static guint64
take_uleb (Cursor *c)
{
  guint64 v = 0;

  for (guint shift = 0; !c->bad; shift += 7)
    {
      guint8 b;

      if (c->p >= c->end || shift > 63)
        {
          c->bad = TRUE;
          break;
        }
      b = *c->p++;
      v |= (guint64) (b & 0x7f) << shift;
      if ((b & 0x80) == 0)
        return v;
    }
  return 0;
}

/* A NUL-terminated string within the cursor. */
static void
skip_string (Cursor *c)
{
  const guint8 *nul;

  if (c->bad)
    return;
  nul = memchr (c->p, 0, c->end - c->p);
  if (nul == NULL)
    {
      c->bad = TRUE;
      return;
    }
  c->p = nul + 1;
}

typedef struct
{
  guint offset_size;
  guint64 str_size;             /* .debug_str */
  guint64 line_str_size;        /* .debug_line_str */
} Sizes;

/* Skips one attribute value of @form; its value, when it is a number. FALSE for a form a line
 * header has no business using, or a string offset past its section. */
static gboolean
skip_form (Cursor      *c,
           guint64      form,
           const Sizes *s,
           guint64     *value)
{
  guint64 off;

  *value = 0;
  switch (form)
    {
    case DW_FORM_string:
      skip_string (c);
      return !c->bad;
    case DW_FORM_strp:
    case DW_FORM_line_strp:
      off = take (c, s->offset_size);
      return !c->bad && off < (form == DW_FORM_strp ? s->str_size : s->line_str_size);
    case DW_FORM_udata:
      *value = take_uleb (c);
      return !c->bad;
    case DW_FORM_data1:
      *value = take (c, 1);
      return !c->bad;
    case DW_FORM_data2:
      *value = take (c, 2);
      return !c->bad;
    case DW_FORM_data4:
      *value = take (c, 4);
      return !c->bad;
    case DW_FORM_data8:
      *value = take (c, 8);
      return !c->bad;
    case DW_FORM_data16:
      take (c, 8);
      take (c, 8);
      return !c->bad;
    case DW_FORM_block:
      off = take_uleb (c);
      if (c->bad || off > (guint64) (c->end - c->p))
        return FALSE;
      c->p += off;
      return TRUE;
    default:
      return FALSE;
    }
}

/* DWARF 5: a format (pairs of content type and form), then @count entries in it. Directory
 * indices must name one of @n_dirs directories. */
static gboolean
check_entries (Cursor      *c,
               const Sizes *s,
               guint64      n_dirs,
               guint64     *count_out)
{
  guint n_formats = (guint) take (c, 1);
  guint64 ctypes[256], forms[256];
  guint64 count;

  for (guint i = 0; i < n_formats; i++)
    {
      ctypes[i] = take_uleb (c);
      forms[i] = take_uleb (c);
    }
  count = take_uleb (c);
  if (c->bad || count > MAX_ENTRIES)
    return FALSE;
  for (guint64 e = 0; e < count; e++)
    for (guint i = 0; i < n_formats; i++)
      {
        guint64 value;

        if (!skip_form (c, forms[i], s, &value))
          return FALSE;
        if (ctypes[i] == DW_LNCT_directory_index && value >= n_dirs)
          return FALSE;
      }
  *count_out = count;
  return TRUE;
}

/**
 * _hs_dwarf_line_header_check:
 * @line: .debug_line
 * @offset: the unit's header (its DW_AT_stmt_list)
 * @str_size: the size of .debug_str, @line_str_size of .debug_line_str (0 if absent)
 *
 * Returns: whether the header at @offset can be given to libdwarf; if not, @error says why.
 */
gboolean
_hs_dwarf_line_header_check (const guint8  *line,
                             guint64        line_size,
                             guint64        offset,
                             guint64        str_size,
                             guint64        line_str_size,
                             GError       **error)
{
  Cursor c = { 0 };
  Sizes s = { 4, str_size, line_str_size };
  const guint8 *unit_end, *program;
  guint64 length, header_length, n_dirs = 0, n_files = 0;
  guint version, opcode_base, line_range;
  const char *why = NULL;

  if (line == NULL || offset >= line_size)
    {
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT,
                   "the line table at 0x%" G_GINT64_MODIFIER "x is outside .debug_line", offset);
      return FALSE;
    }
  c.p = line + offset;
  c.end = line + line_size;
  length = take (&c, 4);
  if (length == 0xffffffff)
    {
      length = take (&c, 8);
      s.offset_size = 8;
    }
  else if (length >= 0xfffffff0)
    c.bad = TRUE;
  if (c.bad || length > (guint64) (c.end - c.p))
    {
      why = "its length runs past .debug_line";
      goto corrupt;
    }
  unit_end = c.p + length;
  c.end = unit_end;
  version = (guint) take (&c, 2);
  if (version < 2 || version > 5)
    {
      why = "its version is not 2 to 5";
      goto corrupt;
    }
  if (version >= 5)
    {
      take (&c, 1);             /* address_size */
      take (&c, 1);             /* segment_selector_size */
    }
  header_length = take (&c, s.offset_size);
  if (c.bad || header_length > (guint64) (unit_end - c.p))
    {
      why = "its header runs past the unit";
      goto corrupt;
    }
  program = c.p + header_length;
  c.end = program;
  take (&c, 1);                 /* minimum_instruction_length */
  if (version >= 4)
    take (&c, 1);               /* maximum_operations_per_instruction */
  take (&c, 1);                 /* default_is_stmt */
  take (&c, 1);                 /* line_base */
  line_range = (guint) take (&c, 1);
  opcode_base = (guint) take (&c, 1);
  if (!c.bad && (line_range == 0 || opcode_base == 0))
    {
      why = "its line_range or opcode_base is 0";
      goto corrupt;
    }
  for (guint i = 1; i < opcode_base; i++)
    take (&c, 1);

  if (version < 5)
    {
      /* Directories, then files (name, directory, time, length), each list ending with "". */
      while (!c.bad && *c.p != 0 && n_dirs <= MAX_ENTRIES)
        {
          skip_string (&c);
          n_dirs++;
        }
      take (&c, 1);
      while (!c.bad && c.p < c.end && *c.p != 0 && n_files <= MAX_ENTRIES)
        {
          guint64 dir;

          skip_string (&c);
          dir = take_uleb (&c);
          take_uleb (&c);
          take_uleb (&c);
          /* 0 is the unit's own directory, the listed ones count from 1. */
          if (dir > n_dirs)
            {
              why = "a file names a directory it does not list";
              goto corrupt;
            }
          n_files++;
        }
    }
  else if (!check_entries (&c, &s, 0, &n_dirs) || !check_entries (&c, &s, n_dirs, &n_files))
    {
      why = "its directory or file entries are malformed, name a directory it does not list, "
            "or point past their string section";
      goto corrupt;
    }
  if (c.bad || n_dirs > MAX_ENTRIES || n_files > MAX_ENTRIES)
    {
      why = "its directories and files run past the header";
      goto corrupt;
    }
  return TRUE;

corrupt:
  g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT,
               "the line table at 0x%" G_GINT64_MODIFIER "x is corrupt: %s", offset,
               why ? why : "it is cut short");
  return FALSE;
}

/* Whether libdwarf may read @cu_die's line table: its header is checked first (see
 * above). A unit without one is fine. */
gboolean
_hs_dwarf_cu_lines_ok (HsSymbolFile  *self,
                       Dwarf_Die      cu_die,
                       GError       **error)
{
  Dwarf_Error derr = NULL;
  Dwarf_Attribute attr = NULL;
  Dwarf_Off offset = 0;
  const guint8 *line, *str, *line_str;
  guint64 line_size, str_size, line_str_size;
  int res;

  res = dwarf_attr (cu_die, DW_AT_stmt_list, &attr, &derr);
  if (res == DW_DLV_ERROR)
    {
      _hs_dwarf_set_error (self, error, derr, "cannot read a unit's DW_AT_stmt_list");
      return FALSE;
    }
  if (res == DW_DLV_NO_ENTRY)
    return TRUE;
  res = dwarf_global_formref (attr, &offset, &derr);
  dwarf_dealloc (self->dbg, attr, DW_DLA_ATTR);
  if (res != DW_DLV_OK)
    {
      if (res == DW_DLV_ERROR)
        dwarf_dealloc (self->dbg, derr, DW_DLA_ERROR);
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT,
                   "corrupt DWARF in %s: a unit's DW_AT_stmt_list is not an offset",
                   self->basename);
      return FALSE;
    }
  if (!_hs_dwarf_section_bytes (self, ".debug_line", &line, &line_size))
    {
      /* Compressed sections were decompressed at load; what is left (the old GNU .zdebug_line)
       * cannot be checked, and libdwarf is not given it unchecked. */
      if (!self->has_debug_line)
        return TRUE;
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_UNSUPPORTED,
                   "%s: its line tables are in a form Hyperscope cannot check (.zdebug_line); "
                   "objcopy --decompress-debug-sections makes them plain", self->basename);
      return FALSE;
    }
  _hs_dwarf_section_bytes (self, ".debug_str", &str, &str_size);
  _hs_dwarf_section_bytes (self, ".debug_line_str", &line_str, &line_str_size);
  if (!_hs_dwarf_line_header_check (line, line_size, offset, str_size, line_str_size, error))
    {
      g_prefix_error (error, "%s: ", self->basename);
      return FALSE;
    }
  return TRUE;
}

/* libdwarf 20210528 reads every .debug_rnglists and .debug_loclists table header as soon as it
 * loads .debug_info, and frees memory twice when one of them is malformed. So they are checked
 * here first: a corrupt file must give an error, not a crash. */
gboolean
_hs_dwarf_check_list_headers (HsSymbolFile  *self,
                              const char    *section,
                              GError       **error)
{
  Elf_Data *data = _hs_dwarf_find_section (self, section);
  const guint8 *p;
  guint64 size, off = 0;

  if (data == NULL || data->d_buf == NULL)
    return TRUE;
  p = data->d_buf;
  size = data->d_size;
  while (off < size)
    {
      guint32 length32;
      guint64 length, header, offset_size, count;
      guint16 version;
      const char *problem = NULL;

      if (size - off < 4)
        problem = "a truncated table header";
      else
        {
          memcpy (&length32, p + off, 4);
          length32 = GUINT32_FROM_LE (length32);
          header = 4;
          offset_size = 4;
          length = length32;
          if (length32 == 0xffffffff)
            {
              if (size - off < 12)
                problem = "a truncated table header";
              else
                {
                  memcpy (&length, p + off + 4, 8);
                  length = GUINT64_FROM_LE (length);
                  header = 12;
                  offset_size = 8;
                }
            }
          else if (length32 >= 0xfffffff0)
            problem = "a reserved unit length";
        }
      if (problem == NULL && (length < 8 || length > size - off - header))
        problem = "a table that does not fit in the section";
      if (problem == NULL)
        {
          const guint8 *h = p + off + header;

          memcpy (&version, h, 2);
          version = GUINT16_FROM_LE (version);
          memcpy (&count, h + 4, 4);
          count = GUINT32_FROM_LE ((guint32) count);
          if (version != 5)
            problem = "a table of an unknown version";
          else if (h[2] != 4 && h[2] != 8)
            problem = "a table with an impossible address size";
          else if (h[3] != 0)
            problem = "a table with segment selectors";
          else if (count > (length - 8) / offset_size)
            problem = "a table whose offset array does not fit";
        }
      if (problem != NULL)
        {
          g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT,
                       "cannot open the DWARF of %s: %s is corrupt (%s at offset 0x%"
                       G_GINT64_MODIFIER "x)", self->basename, section, problem, off);
          return FALSE;
        }
      off += header + length;
    }
  return TRUE;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-dwarf-lines.c: line tables, both ways.
 *
 * Address -> CU: .debug_aranges when the file has it (one small table for all
 * of vmlinux); otherwise, or when it misses, each CU's own DW_AT_low_pc /
 * DW_AT_high_pc / DW_AT_ranges (DWARF 5 .debug_rnglists including
 * DW_FORM_rnglistx, or DWARF 4 .debug_ranges), and for a CU with none of those,
 * the span of its line table.
 *
 * CU -> lines: the CU's line program, decoded once into address ranges
 * [address, next row's address) with a line and a file, sorted. The most
 * recently used CU_CACHE_SIZE CUs are kept.
 */
#define G_LOG_DOMAIN "hs-symbols"

#include "config.h"

#include "hs-symbol-file-private.h"

#include <string.h>

#define CU_CACHE_SIZE 16

typedef struct
{
  guint64 start;
  guint64 end;
  Dwarf_Off cu;
} CuRange;

typedef struct
{
  guint64 start;
  guint64 end;
  guint32 line;
  guint32 file;
} LineRange;

typedef struct
{
  guint64 address;
  guint32 line;
  guint32 file;
} Statement;

typedef struct
{
  Dwarf_Off cu;
  GPtrArray *files;     /* by DWARF file number; entries may be NULL */
  GArray *ranges;       /* of LineRange, sorted by start: for address -> line */
  GArray *statements;   /* of Statement, every is_stmt row: for line -> address */
} CuLines;

struct _HsDwarfLines
{
  GArray *aranges;      /* of CuRange from .debug_aranges; NULL until loaded */
  GArray *cu_ranges;    /* of CuRange from the CU DIEs; NULL until needed */
  GQueue cache;         /* of CuLines, most recently used first */
};

static void
cu_lines_free (CuLines *lines)
{
  g_clear_pointer (&lines->files, g_ptr_array_unref);
  g_clear_pointer (&lines->ranges, g_array_unref);
  g_clear_pointer (&lines->statements, g_array_unref);
  g_free (lines);
}

void
_hs_dwarf_lines_free (HsSymbolFile *self)
{
  HsDwarfLines *lines = self->lines;

  if (lines == NULL)
    return;
  g_clear_pointer (&lines->aranges, g_array_unref);
  g_clear_pointer (&lines->cu_ranges, g_array_unref);
  g_queue_clear_full (&lines->cache, (GDestroyNotify) cu_lines_free);
  g_free (lines);
  self->lines = NULL;
}

static HsDwarfLines *
get_lines (HsSymbolFile *self)
{
  if (self->lines == NULL)
    {
      self->lines = g_new0 (HsDwarfLines, 1);
      g_queue_init (&self->lines->cache);
    }
  return self->lines;
}

static int
compare_cu_range (gconstpointer a,
                  gconstpointer b)
{
  const CuRange *ra = a, *rb = b;

  if (ra->start != rb->start)
    return ra->start < rb->start ? -1 : 1;
  return ra->end < rb->end ? -1 : ra->end > rb->end;
}

static int
compare_line_range (gconstpointer a,
                    gconstpointer b)
{
  const LineRange *ra = a, *rb = b;

  if (ra->start != rb->start)
    return ra->start < rb->start ? -1 : 1;
  return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* One CU's line table                                                                        */

static CuLines *
load_cu_lines (HsSymbolFile  *self,
               Dwarf_Off      cu_off,
               GError       **error)
{
  Dwarf_Error derr = NULL;
  Dwarf_Die cu_die = NULL;
  Dwarf_Line_Context context = NULL;
  Dwarf_Line *rows = NULL;
  Dwarf_Signed n_rows = 0;
  Dwarf_Unsigned version = 0;
  Dwarf_Small table_count = 0;
  CuLines *lines;
  int res;

  if (!_hs_dwarf_die_at (self, cu_off, &cu_die, error))
    return NULL;
  if (!_hs_dwarf_cu_lines_ok (self, cu_die, error))
    {
      _hs_dwarf_die_free (self, cu_die);
      return NULL;
    }

  res = dwarf_srclines_b (cu_die, &version, &table_count, &context, &derr);
  if (res != DW_DLV_OK)
    {
      const char *name = _hs_dwarf_name (self, cu_die);

      if (res == DW_DLV_NO_ENTRY)
        g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NOT_FOUND,
                     "compilation unit %s of %s has no line table", name ? name : "(unnamed)",
                     self->basename);
      else
        _hs_dwarf_set_error (self, error, derr, "cannot read the line table of %s",
                             name ? name : "a compilation unit");
      _hs_dwarf_die_free (self, cu_die);
      return NULL;
    }

  lines = g_new0 (CuLines, 1);
  lines->cu = cu_off;
  lines->ranges = g_array_new (FALSE, FALSE, sizeof (LineRange));
  lines->statements = g_array_new (FALSE, FALSE, sizeof (Statement));
  lines->files = _hs_dwarf_cu_files (self, cu_die, error);
  if (lines->files == NULL)
    goto failed;

  res = dwarf_srclines_from_linecontext (context, &rows, &n_rows, &derr);
  if (res == DW_DLV_ERROR)
    {
      _hs_dwarf_set_error (self, error, derr, "cannot decode a line table");
      goto failed;
    }

  for (Dwarf_Signed i = 0; i + 1 < n_rows; i++)
    {
      Dwarf_Addr addr = 0, next_addr = 0;
      Dwarf_Unsigned line = 0, file = 0;
      Dwarf_Bool end_sequence = FALSE, is_stmt = FALSE;
      LineRange range;
      Statement statement;

      if (dwarf_lineendsequence (rows[i], &end_sequence, &derr) != DW_DLV_OK
          || dwarf_lineaddr (rows[i], &addr, &derr) != DW_DLV_OK
          || dwarf_lineaddr (rows[i + 1], &next_addr, &derr) != DW_DLV_OK
          || dwarf_lineno (rows[i], &line, &derr) != DW_DLV_OK
          || dwarf_line_srcfileno (rows[i], &file, &derr) != DW_DLV_OK
          || dwarf_linebeginstatement (rows[i], &is_stmt, &derr) != DW_DLV_OK)
        {
          _hs_dwarf_set_error (self, error, derr, "cannot decode line table row %"
                               G_GINT64_FORMAT, (gint64) i);
          goto failed;
        }
      if (end_sequence || line == 0)   /* line 0 is "no line" */
        continue;
      /* Several rows may share an address (one per statement begun there, all is_stmt); for
       * breakpoints every one counts, for address -> line the last one does. */
      if (is_stmt)
        {
          statement.address = addr;
          statement.line = MIN (line, G_MAXUINT32);
          statement.file = MIN (file, G_MAXUINT32);
          g_array_append_val (lines->statements, statement);
        }
      /* A row covers up to the next one in its sequence. */
      if (next_addr <= addr)
        continue;
      range.start = addr;
      range.end = next_addr;
      range.line = MIN (line, G_MAXUINT32);
      range.file = MIN (file, G_MAXUINT32);
      g_array_append_val (lines->ranges, range);
    }
  g_array_sort (lines->ranges, compare_line_range);

  dwarf_srclines_dealloc_b (context);
  _hs_dwarf_die_free (self, cu_die);
  return lines;

failed:
  dwarf_srclines_dealloc_b (context);
  _hs_dwarf_die_free (self, cu_die);
  cu_lines_free (lines);
  return NULL;
}

static CuLines *
get_cu_lines (HsSymbolFile  *self,
              Dwarf_Off      cu_off,
              GError       **error)
{
  HsDwarfLines *all = get_lines (self);
  CuLines *lines;

  for (GList *l = all->cache.head; l != NULL; l = l->next)
    {
      lines = l->data;
      if (lines->cu == cu_off)
        {
          g_queue_unlink (&all->cache, l);
          g_queue_push_head_link (&all->cache, l);
          return lines;
        }
    }

  lines = load_cu_lines (self, cu_off, error);
  if (lines == NULL)
    return NULL;
  g_queue_push_head (&all->cache, lines);
  while (all->cache.length > CU_CACHE_SIZE)
    cu_lines_free (g_queue_pop_tail (&all->cache));
  return lines;
}

/* ------------------------------------------------------------------------------------------ */
/* Which CU covers an address                                                                 */

static gboolean
load_aranges (HsSymbolFile  *self,
              GArray        *out,
              GError       **error)
{
  Dwarf_Error derr = NULL;
  Dwarf_Arange *aranges = NULL;
  Dwarf_Signed count = 0;
  gboolean ok = TRUE;
  int res;

  res = dwarf_get_aranges (self->dbg, &aranges, &count, &derr);
  if (res == DW_DLV_NO_ENTRY)
    return TRUE;
  if (res == DW_DLV_ERROR)
    {
      _hs_dwarf_set_error (self, error, derr, "cannot read .debug_aranges");
      return FALSE;
    }

  for (Dwarf_Signed i = 0; i < count; i++)
    {
      Dwarf_Unsigned segment = 0, segment_size = 0, length = 0;
      Dwarf_Addr start = 0;
      Dwarf_Off cu = 0;

      if (ok && dwarf_get_arange_info_b (aranges[i], &segment, &segment_size, &start, &length,
                                         &cu, &derr) == DW_DLV_OK)
        {
          CuRange range = { start, start + length, cu };

          if (length > 0 && range.end > range.start)
            g_array_append_val (out, range);
        }
      else if (ok)
        {
          _hs_dwarf_set_error (self, error, derr, "cannot read .debug_aranges entry %"
                               G_GINT64_FORMAT, (gint64) i);
          ok = FALSE;
        }
      dwarf_dealloc (self->dbg, aranges[i], DW_DLA_ARANGE);
    }
  dwarf_dealloc (self->dbg, aranges, DW_DLA_LIST);
  g_array_sort (out, compare_cu_range);
  return ok;
}

static void
add_range (GArray    *out,
           guint64    start,
           guint64    end,
           Dwarf_Off  cu)
{
  CuRange range = { start, end, cu };

  if (end > start)
    g_array_append_val (out, range);
}

/* DWARF 5: DW_AT_ranges as DW_FORM_rnglistx or DW_FORM_sec_offset into .debug_rnglists. */
static gboolean
rnglists_ranges (HsSymbolFile     *self,
                 Dwarf_Attribute   attr,
                 Dwarf_Half        form,
                 Dwarf_Off         cu,
                 GArray           *out,
                 GError          **error)
{
  Dwarf_Error derr = NULL;
  Dwarf_Rnglists_Head head = NULL;
  Dwarf_Unsigned value = 0, count = 0, global_offset = 0;
  int res;

  if (form == DW_FORM_rnglistx)
    res = dwarf_formudata (attr, &value, &derr);
  else
    {
      Dwarf_Off off = 0;

      res = dwarf_global_formref (attr, &off, &derr);
      value = off;
    }
  if (res == DW_DLV_OK)
    res = dwarf_rnglists_get_rle_head (attr, form, value, &head, &count, &global_offset, &derr);
  if (res == DW_DLV_NO_ENTRY)
    return TRUE;
  if (res == DW_DLV_ERROR)
    {
      _hs_dwarf_set_error (self, error, derr, "cannot read the range list of a compilation "
                           "unit");
      return FALSE;
    }

  for (Dwarf_Unsigned i = 0; i < count; i++)
    {
      unsigned entry_length = 0, code = 0;
      Dwarf_Unsigned raw1 = 0, raw2 = 0, start = 0, end = 0;
      Dwarf_Bool no_debug_addr = FALSE;

      res = dwarf_get_rnglists_entry_fields_a (head, i, &entry_length, &code, &raw1, &raw2,
                                               &no_debug_addr, &start, &end, &derr);
      if (res == DW_DLV_ERROR)
        {
          _hs_dwarf_set_error (self, error, derr, "cannot read a range list entry");
          dwarf_dealloc_rnglists_head (head);
          return FALSE;
        }
      if (res != DW_DLV_OK || no_debug_addr)
        continue;
      switch (code)
        {
        case DW_RLE_startx_endx:
        case DW_RLE_startx_length:
        case DW_RLE_offset_pair:
        case DW_RLE_start_end:
        case DW_RLE_start_length:
          add_range (out, start, end, cu);
          break;
        default:
          break;
        }
    }
  dwarf_dealloc_rnglists_head (head);
  return TRUE;
}

/* DWARF 2-4: DW_AT_ranges is an offset into .debug_ranges, relative to the CU's base. */
static gboolean
debug_ranges (HsSymbolFile     *self,
              Dwarf_Die         cu_die,
              Dwarf_Attribute   attr,
              Dwarf_Off         cu,
              guint64           base,
              GArray           *out,
              GError          **error)
{
  Dwarf_Error derr = NULL;
  Dwarf_Ranges *ranges = NULL;
  Dwarf_Signed count = 0;
  Dwarf_Unsigned bytes = 0;
  Dwarf_Off offset = 0, real_offset = 0;
  int res;

  res = dwarf_global_formref (attr, &offset, &derr);
  if (res == DW_DLV_OK)
    res = dwarf_get_ranges_b (self->dbg, offset, cu_die, &real_offset, &ranges, &count, &bytes,
                              &derr);
  if (res == DW_DLV_NO_ENTRY)
    return TRUE;
  if (res == DW_DLV_ERROR)
    {
      _hs_dwarf_set_error (self, error, derr, "cannot read .debug_ranges");
      return FALSE;
    }
  for (Dwarf_Signed i = 0; i < count; i++)
    {
      if (ranges[i].dwr_type == DW_RANGES_ADDRESS_SELECTION)
        base = ranges[i].dwr_addr2;
      else if (ranges[i].dwr_type == DW_RANGES_ENTRY)
        add_range (out, base + ranges[i].dwr_addr1, base + ranges[i].dwr_addr2, cu);
    }
  dwarf_ranges_dealloc (self->dbg, ranges, count);
  return TRUE;
}

static gboolean
cu_die_ranges (HsSymbolFile  *self,
               Dwarf_Off      cu,
               GArray        *out,
               GError       **error)
{
  Dwarf_Die die = NULL;
  Dwarf_Attribute attr = NULL;
  Dwarf_Error derr = NULL;
  guint64 low = 0;
  guint before = out->len;
  gboolean has_low;
  gboolean ok = TRUE;
  int res;

  if (!_hs_dwarf_die_at (self, cu, &die, error))
    return FALSE;
  has_low = _hs_dwarf_addr (self, die, DW_AT_low_pc, &low, NULL) == DW_DLV_OK;

  res = dwarf_attr (die, DW_AT_ranges, &attr, &derr);
  if (res == DW_DLV_OK)
    {
      Dwarf_Half form = 0;

      if (dwarf_whatform (attr, &form, &derr) != DW_DLV_OK)
        {
          _hs_dwarf_set_error (self, error, derr, "cannot read DW_AT_ranges");
          ok = FALSE;
        }
      else if (form == DW_FORM_rnglistx || _hs_dwarf_cu_version (self, cu) >= 5)
        ok = rnglists_ranges (self, attr, form, cu, out, error);
      else
        ok = debug_ranges (self, die, attr, cu, has_low ? low : 0, out, error);
      dwarf_dealloc_attribute (attr);
    }
  else if (res == DW_DLV_ERROR)
    _hs_dwarf_drop_error (self, &derr);
  else if (has_low)
    {
      Dwarf_Addr high = 0;
      Dwarf_Half form = 0;
      enum Dwarf_Form_Class form_class = DW_FORM_CLASS_UNKNOWN;

      if (dwarf_highpc_b (die, &high, &form, &form_class, &derr) == DW_DLV_OK)
        add_range (out, low, form_class == DW_FORM_CLASS_CONSTANT ? low + high : high, cu);
      else
        _hs_dwarf_drop_error (self, &derr);
    }

  /* Nothing said: the span of the CU's line table will have to do. */
  if (ok && out->len == before)
    {
      CuLines *lines = get_cu_lines (self, cu, NULL);

      if (lines != NULL && lines->ranges->len > 0)
        {
          guint64 start = G_MAXUINT64, end = 0;

          for (guint i = 0; i < lines->ranges->len; i++)
            {
              const LineRange *r = &g_array_index (lines->ranges, LineRange, i);

              start = MIN (start, r->start);
              end = MAX (end, r->end);
            }
          add_range (out, start, end, cu);
        }
    }
  _hs_dwarf_die_free (self, die);
  return ok;
}

static gboolean
lookup_range (GArray    *ranges,
              guint64    address,
              Dwarf_Off *cu)
{
  guint lo = 0, hi = ranges->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (g_array_index (ranges, CuRange, mid).start <= address)
        lo = mid + 1;
      else
        hi = mid;
    }
  /* Ranges of different CUs should not overlap, but look a little way back in case. */
  for (guint i = lo, n = 0; i > 0 && n < 8; i--, n++)
    {
      const CuRange *r = &g_array_index (ranges, CuRange, i - 1);

      if (address >= r->start && address < r->end)
        {
          *cu = r->cu;
          return TRUE;
        }
    }
  return FALSE;
}

static gboolean
find_cu (HsSymbolFile  *self,
         guint64        address,
         Dwarf_Off     *cu,
         GError       **error)
{
  HsDwarfLines *lines = get_lines (self);

  if (self->use_aranges && self->has_debug_aranges)
    {
      if (lines->aranges == NULL)
        {
          GArray *aranges = g_array_new (FALSE, FALSE, sizeof (CuRange));

          if (!load_aranges (self, aranges, error))
            {
              g_array_unref (aranges);
              return FALSE;
            }
          lines->aranges = aranges;
        }
      if (lookup_range (lines->aranges, address, cu))
        return TRUE;
    }

  if (lines->cu_ranges == NULL)
    {
      GArray *ranges = g_array_new (FALSE, FALSE, sizeof (CuRange));

      for (guint i = 0; i < self->index->cus->len; i++)
        if (!cu_die_ranges (self, g_array_index (self->index->cus, HsDwarfCu, i).die, ranges,
                            error))
          {
            g_array_unref (ranges);
            return FALSE;
          }
      g_array_sort (ranges, compare_cu_range);
      lines->cu_ranges = ranges;
    }
  if (lookup_range (lines->cu_ranges, address, cu))
    return TRUE;

  g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NOT_FOUND,
               "no compilation unit of %s covers 0x%" G_GINT64_MODIFIER "x (no line "
               "information there: assembly without debug info, or another file)",
               self->basename, address);
  return FALSE;
}

static gboolean
address_to_line (HsSymbolFile  *self,
                 guint64        address,
                 char         **file,
                 guint         *line,
                 guint64       *row_start,
                 GError       **error)
{
  CuLines *lines;
  Dwarf_Off cu;
  guint lo, hi;

  if (!find_cu (self, address, &cu, error))
    return FALSE;
  lines = get_cu_lines (self, cu, error);
  if (lines == NULL)
    return FALSE;

  lo = 0;
  hi = lines->ranges->len;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (g_array_index (lines->ranges, LineRange, mid).start <= address)
        lo = mid + 1;
      else
        hi = mid;
    }
  if (lo > 0)
    {
      const LineRange *r = &g_array_index (lines->ranges, LineRange, lo - 1);

      if (address < r->end)
        {
          const char *name = r->file < lines->files->len
                               ? g_ptr_array_index (lines->files, r->file) : NULL;

          if (file != NULL)
            *file = g_strdup (name != NULL ? name : "<unknown file>");
          if (line != NULL)
            *line = r->line;
          if (row_start != NULL)
            *row_start = r->start;
          return TRUE;
        }
    }

  g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NOT_FOUND,
               "no line information for 0x%" G_GINT64_MODIFIER "x in %s", address,
               self->basename);
  return FALSE;
}

gboolean
_hs_dwarf_address_to_line (HsSymbolFile  *self,
                           guint64        address,
                           char         **file,
                           guint         *line,
                           GError       **error)
{
  GError *local_error = NULL;
  guint64 after_nops, row_start = 0;
  g_autofree char *found_file = NULL;
  guint found_line = 0;
  HsSymbol sym;
  guint64 offset;

  if (address_to_line (self, address, &found_file, &found_line, &row_start, &local_error))
    {
      /* gcc emits a kernel function's ftrace NOPs before its first line entry, so the row
       * that covers them began in the previous function (its last line, a BUG() say): that
       * line is not this function's. */
      if (!_hs_elf_symtab_lookup_address (self->symtab, address, &sym, &offset)
          || sym.kind != HS_SYMBOL_FUNCTION || row_start >= sym.address)
        {
          if (file != NULL)
            *file = g_steal_pointer (&found_file);
          if (line != NULL)
            *line = found_line;
          return TRUE;
        }
      g_set_error (&local_error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NOT_FOUND,
                   "no line information for 0x%" G_GINT64_MODIFIER "x in %s", address,
                   self->basename);
    }
  /* On the ftrace NOPs before a kernel function's DWARF start: the function's first line. */
  after_nops = _hs_skip_entry_nops (self, address);
  if (after_nops != address
      && g_error_matches (local_error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NOT_FOUND)
      && address_to_line (self, after_nops, file, line, NULL, NULL))
    {
      g_error_free (local_error);
      return TRUE;
    }
  g_propagate_error (error, local_error);
  return FALSE;
}

/* ------------------------------------------------------------------------------------------ */
/* Line -> address                                                                            */

static gboolean
has_suffix (const char *path,
            const char *suffix)
{
  gsize lp, ls;

  if (path == NULL)
    return FALSE;
  lp = strlen (path);
  ls = strlen (suffix);
  if (ls > lp || strcmp (path + lp - ls, suffix) != 0)
    return FALSE;
  return ls == lp || path[lp - ls - 1] == '/' || suffix[0] == '/';
}

typedef struct
{
  gboolean found;
  guint line;
  guint64 address;
} Best;

/* The lowest statement address for @line in the files of @lines matching @suffix, or else the
 * nearest later line that has code. Returns TRUE on an exact hit. */
static gboolean
search_cu (CuLines    *lines,
           const char *suffix,
           guint       line,
           Best       *best)
{
  g_autofree gboolean *matches = g_new0 (gboolean, MAX (lines->files->len, 1));
  gboolean any = FALSE;
  gboolean exact = FALSE;

  for (guint i = 0; i < lines->files->len; i++)
    {
      matches[i] = has_suffix (g_ptr_array_index (lines->files, i), suffix);
      any |= matches[i];
    }
  if (!any)
    return FALSE;

  for (guint i = 0; i < lines->statements->len; i++)
    {
      const Statement *st = &g_array_index (lines->statements, Statement, i);

      if (st->file >= lines->files->len || !matches[st->file] || st->line < line)
        continue;
      if (!best->found || st->line < best->line
          || (st->line == best->line && st->address < best->address))
        {
          best->found = TRUE;
          best->line = st->line;
          best->address = st->address;
        }
      exact |= st->line == line;
    }
  return exact;
}

static gboolean
cu_mentions (HsSymbolFile *self,
             Dwarf_Off     cu,
             const char   *suffix)
{
  g_autoptr(GPtrArray) files = NULL;
  Dwarf_Die die = NULL;

  if (!_hs_dwarf_die_at (self, cu, &die, NULL))
    return FALSE;
  files = _hs_dwarf_cu_files (self, die, NULL);
  _hs_dwarf_die_free (self, die);
  if (files == NULL)
    return FALSE;
  for (guint i = 0; i < files->len; i++)
    if (has_suffix (g_ptr_array_index (files, i), suffix))
      return TRUE;
  return FALSE;
}

gboolean
_hs_dwarf_line_to_address (HsSymbolFile  *self,
                           const char    *suffix,
                           guint          line,
                           guint64       *address,
                           guint         *actual_line,
                           GError       **error)
{
  GArray *cus = self->index->cus;
  Best best = { 0 };
  gboolean file_seen = FALSE;

  if (*suffix == 0)
    {
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_INVALID, "no file name given");
      return FALSE;
    }

  /* First the CUs named after the file (a .c file), then any that include it (a header). */
  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < cus->len; i++)
      {
        const HsDwarfCu *cu = &g_array_index (cus, HsDwarfCu, i);
        gboolean named = has_suffix (cu->name, suffix);
        CuLines *lines;

        if (pass == 0 ? !named : named || !cu_mentions (self, cu->die, suffix))
          continue;
        lines = get_cu_lines (self, cu->die, NULL);
        if (lines == NULL)
          continue;
        file_seen = TRUE;
        if (search_cu (lines, suffix, line, &best))
          goto done;
      }

done:
  if (!best.found)
    {
      if (file_seen)
        g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NOT_FOUND,
                     "%s:%u has no code in %s (nor does any later line)", suffix, line,
                     self->basename);
      else
        g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NOT_FOUND,
                     "no source file ending in '%s' in the line tables of %s", suffix,
                     self->basename);
      return FALSE;
    }
  if (address != NULL)
    *address = best.address;
  if (actual_line != NULL)
    *actual_line = best.line;
  return TRUE;
}

/* For hs-dwarf-scope.c: the compilation unit that covers @address. */
gboolean
_hs_dwarf_find_cu (HsSymbolFile  *self,
                   guint64        address,
                   Dwarf_Off     *cu,
                   GError       **error)
{
  return find_cu (self, address, cu, error);
}

/* Whether @address is in the code of @die (a subprogram, lexical block or inlined subroutine
 * of the unit @cu): DW_AT_low_pc/high_pc or DW_AT_ranges. A DIE with neither covers nothing. */
gboolean
_hs_dwarf_die_covers (HsSymbolFile  *self,
                      Dwarf_Die      die,
                      Dwarf_Off      cu,
                      guint64        address,
                      gboolean      *covers,
                      GError       **error)
{
  g_autoptr(GArray) ranges = g_array_new (FALSE, FALSE, sizeof (CuRange));
  Dwarf_Attribute attr = NULL;
  Dwarf_Error derr = NULL;
  guint64 low = 0;
  gboolean ok = TRUE;
  int res;

  *covers = FALSE;
  res = dwarf_attr (die, DW_AT_ranges, &attr, &derr);
  if (res == DW_DLV_OK)
    {
      Dwarf_Half form = 0;

      if (dwarf_whatform (attr, &form, &derr) != DW_DLV_OK)
        {
          _hs_dwarf_set_error (self, error, derr, "cannot read DW_AT_ranges");
          ok = FALSE;
        }
      else if (form == DW_FORM_rnglistx || _hs_dwarf_cu_version (self, cu) >= 5)
        ok = rnglists_ranges (self, attr, form, cu, ranges, error);
      else
        {
          Dwarf_Die cu_die = NULL;
          guint64 base = 0;

          ok = _hs_dwarf_die_at (self, cu, &cu_die, error);
          if (ok)
            {
              if (_hs_dwarf_addr (self, cu_die, DW_AT_low_pc, &base, NULL) != DW_DLV_OK)
                base = 0;
              ok = debug_ranges (self, cu_die, attr, cu, base, ranges, error);
              _hs_dwarf_die_free (self, cu_die);
            }
        }
      dwarf_dealloc_attribute (attr);
    }
  else if (res == DW_DLV_ERROR)
    {
      _hs_dwarf_set_error (self, error, derr, "cannot read DW_AT_ranges");
      return FALSE;
    }
  else if (_hs_dwarf_addr (self, die, DW_AT_low_pc, &low, NULL) == DW_DLV_OK)
    {
      Dwarf_Addr high = 0;
      Dwarf_Half form = 0;
      enum Dwarf_Form_Class form_class = DW_FORM_CLASS_UNKNOWN;

      if (dwarf_highpc_b (die, &high, &form, &form_class, &derr) == DW_DLV_OK)
        add_range (ranges, low, form_class == DW_FORM_CLASS_CONSTANT ? low + high : high, cu);
      else
        _hs_dwarf_drop_error (self, &derr);
    }
  if (!ok)
    return FALSE;
  for (guint i = 0; i < ranges->len; i++)
    {
      const CuRange *r = &g_array_index (ranges, CuRange, i);

      if (address >= r->start && address < r->end)
        *covers = TRUE;
    }
  return TRUE;
}

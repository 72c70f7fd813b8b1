/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-linux-printk.c: the kernel log of a Linux guest, from its printk ring (5.10+) or its
 * log_buf (3.11-5.9). The rules are the kernel's reader's (kernel/printk/printk_ringbuffer.c:
 * desc_read(), get_data(), prb_read()), applied to a copy of the ring read in a few pieces.
 */
#define G_LOG_DOMAIN "hs-linux"

#include "config.h"

#include "hs-linux-printk.h"

#include <string.h>

/* No kernel's printk_ringbuffer, prb_desc, printk_info or printk_log comes near this. */
#define MAX_STRUCT_SIZE 4096
/* 2^20 descriptors (the most a 32 MiB ring has) of 24 bytes, and as many printk_info of 88. */
#define MAX_DESC_BYTES (128u * 1024 * 1024)
/* Reads go in pages, so that one hole costs what lies in it; a readv batch is this many. */
#define PAGE 4096
#define BATCH 64
/* A reader without readv that fails this many pages in a row is taken to be gone. */
#define MAX_FAILED_PAGES 16

/* ---- layout -------------------------------------------------------------------------------- */

typedef struct
{
  guint64 offset;
  guint64 size;                /* 0: this kernel has no such member */
  guint bit_offset;            /* bit-fields: from the least significant bit of the byte at
                                * @offset */
  guint bit_size;              /* 0: not a bit-field */
} Field;

struct _HsLinuxPrintkLayout
{
  HsLinuxPrintkKind kind;

  /* struct printk_ringbuffer */
  guint64 rb_size;
  Field count_bits, descs, infos, head_id, tail_id;
  Field size_bits, data, head_lpos, tail_lpos, fail;
  /* struct prb_desc */
  guint64 desc_size;
  Field state_var, begin, next;

  /* struct printk_info (ring buffer) or struct printk_log (log_buf) */
  guint64 info_size;
  Field seq;                   /* printk_info only */
  Field len;                   /* printk_log only: the record's length, header included */
  Field ts_nsec, text_len, facility, flags, level, caller_id;
};

void
hs_linux_printk_layout_free (HsLinuxPrintkLayout *layout)
{
  g_free (layout);
}

HsLinuxPrintkKind
hs_linux_printk_layout_get_kind (const HsLinuxPrintkLayout *layout)
{
  g_return_val_if_fail (layout != NULL, HS_LINUX_PRINTK_RINGBUFFER);

  return layout->kind;
}

static gboolean
struct_size (HsSymbolFile  *vmlinux,
             const char    *type,
             guint64       *size,
             GError       **error)
{
  if (!hs_symbol_file_get_type_size (vmlinux, type, size, error))
    {
      g_prefix_error (error, "cannot find the kernel log's layout in %s: ",
                      hs_symbol_file_get_path (vmlinux));
      return FALSE;
    }
  if (*size == 0 || *size > MAX_STRUCT_SIZE)
    {
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT,
                   "cannot use the kernel log's layout in %s: %s is %" G_GUINT64_FORMAT
                   " bytes, which no kernel's is (at most %u; corrupt DWARF?)",
                   hs_symbol_file_get_path (vmlinux), type, *size, MAX_STRUCT_SIZE);
      return FALSE;
    }
  return TRUE;
}

/* A scalar member of at most 8 bytes, inside its structure; @optional: size 0 if missing. */
static gboolean
member (HsSymbolFile  *vmlinux,
        const char    *type,
        guint64        type_size,
        const char    *path,
        gboolean       optional,
        Field         *out,
        GError       **error)
{
  g_auto(HsMember) m = { 0 };
  g_autoptr(GError) local_error = NULL;

  *out = (Field) { 0 };
  if (!hs_symbol_file_member_full (vmlinux, type, path, &m, &local_error))
    {
      if (optional && g_error_matches (local_error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NOT_FOUND))
        return TRUE;
      if (g_error_matches (local_error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NOT_FOUND))
        {
          g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_UNSUPPORTED,
                       "this kernel's log layout is not supported: %s has no %s.%s (%s)",
                       hs_symbol_file_get_path (vmlinux), type, path, local_error->message);
          return FALSE;
        }
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  "cannot find the kernel log's layout in %s: ",
                                  hs_symbol_file_get_path (vmlinux));
      return FALSE;
    }
  if (m.size == 0 || m.size > 8 || m.bit_offset + m.bit_size > m.size * 8
      || m.offset > type_size || m.size > type_size - m.offset)
    {
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT,
                   "cannot use the kernel log's layout in %s: %s.%s (%" G_GUINT64_FORMAT
                   " bytes at offset %" G_GUINT64_FORMAT ", bits %u+%u) is not a scalar inside "
                   "its %" G_GUINT64_FORMAT "-byte structure (corrupt DWARF?)",
                   hs_symbol_file_get_path (vmlinux), type, path, m.size, m.offset, m.bit_offset,
                   m.bit_size, type_size);
      return FALSE;
    }
  *out = (Field) { m.offset, m.size, m.bit_offset, m.bit_size };
  return TRUE;
}

static gboolean
ringbuffer_layout (HsSymbolFile         *vmlinux,
                   HsLinuxPrintkLayout  *l,
                   GError              **error)
{
  const char *rb = "struct printk_ringbuffer", *desc = "struct prb_desc";
  const char *info = "struct printk_info";

  if (!struct_size (vmlinux, rb, &l->rb_size, error)
      || !struct_size (vmlinux, desc, &l->desc_size, error)
      || !struct_size (vmlinux, info, &l->info_size, error))
    return FALSE;
  return member (vmlinux, rb, l->rb_size, "desc_ring.count_bits", FALSE, &l->count_bits, error)
         && member (vmlinux, rb, l->rb_size, "desc_ring.descs", FALSE, &l->descs, error)
         && member (vmlinux, rb, l->rb_size, "desc_ring.infos", FALSE, &l->infos, error)
         && member (vmlinux, rb, l->rb_size, "desc_ring.head_id", FALSE, &l->head_id, error)
         && member (vmlinux, rb, l->rb_size, "desc_ring.tail_id", FALSE, &l->tail_id, error)
         && member (vmlinux, rb, l->rb_size, "text_data_ring.size_bits", FALSE, &l->size_bits,
                    error)
         && member (vmlinux, rb, l->rb_size, "text_data_ring.data", FALSE, &l->data, error)
         && member (vmlinux, rb, l->rb_size, "text_data_ring.head_lpos", FALSE, &l->head_lpos,
                    error)
         && member (vmlinux, rb, l->rb_size, "text_data_ring.tail_lpos", FALSE, &l->tail_lpos,
                    error)
         && member (vmlinux, rb, l->rb_size, "fail", TRUE, &l->fail, error)
         && member (vmlinux, desc, l->desc_size, "state_var", FALSE, &l->state_var, error)
         && member (vmlinux, desc, l->desc_size, "text_blk_lpos.begin", FALSE, &l->begin, error)
         && member (vmlinux, desc, l->desc_size, "text_blk_lpos.next", FALSE, &l->next, error)
         && member (vmlinux, info, l->info_size, "seq", FALSE, &l->seq, error)
         && member (vmlinux, info, l->info_size, "ts_nsec", FALSE, &l->ts_nsec, error)
         && member (vmlinux, info, l->info_size, "text_len", FALSE, &l->text_len, error)
         && member (vmlinux, info, l->info_size, "facility", FALSE, &l->facility, error)
         && member (vmlinux, info, l->info_size, "flags", FALSE, &l->flags, error)
         && member (vmlinux, info, l->info_size, "level", FALSE, &l->level, error)
         && member (vmlinux, info, l->info_size, "caller_id", TRUE, &l->caller_id, error);
}

static gboolean
log_buf_layout (HsSymbolFile         *vmlinux,
                HsLinuxPrintkLayout  *l,
                GError              **error)
{
  const char *log = "struct printk_log";

  if (!struct_size (vmlinux, log, &l->info_size, error))
    return FALSE;
  return member (vmlinux, log, l->info_size, "ts_nsec", FALSE, &l->ts_nsec, error)
         && member (vmlinux, log, l->info_size, "len", FALSE, &l->len, error)
         && member (vmlinux, log, l->info_size, "text_len", FALSE, &l->text_len, error)
         && member (vmlinux, log, l->info_size, "facility", FALSE, &l->facility, error)
         && member (vmlinux, log, l->info_size, "flags", FALSE, &l->flags, error)
         && member (vmlinux, log, l->info_size, "level", FALSE, &l->level, error)
         && member (vmlinux, log, l->info_size, "caller_id", TRUE, &l->caller_id, error);
}

HsLinuxPrintkLayout *
hs_linux_printk_layout_new (HsSymbolFile  *vmlinux,
                            GError       **error)
{
  g_autoptr(HsLinuxPrintkLayout) l = g_new0 (HsLinuxPrintkLayout, 1);
  HsSymbol sym;

  g_return_val_if_fail (HS_IS_SYMBOL_FILE (vmlinux), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* prb is what 5.10+ print through (it moves from the static ring to a bigger one at boot);
   * log_first_idx exists only with the older log_buf records. */
  if (hs_symbol_file_lookup (vmlinux, "prb", &sym))
    {
      l->kind = HS_LINUX_PRINTK_RINGBUFFER;
      if (!ringbuffer_layout (vmlinux, l, error))
        return NULL;
    }
  else if (hs_symbol_file_lookup (vmlinux, "log_first_idx", &sym))
    {
      l->kind = HS_LINUX_PRINTK_LOG_BUF;
      if (!log_buf_layout (vmlinux, l, error))
        return NULL;
    }
  else
    {
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_UNSUPPORTED,
                   "this kernel's log layout is not supported: %s has neither prb (the "
                   "printk_ringbuffer of 5.10 and later) nor log_first_idx (the log_buf records "
                   "of 3.11 to 5.9)", hs_symbol_file_get_path (vmlinux));
      return NULL;
    }
  /* Only the lockless ring's id and lpos arithmetic depends on these being what they are. */
  if (l->kind == HS_LINUX_PRINTK_RINGBUFFER
      && (l->state_var.size != 8 || l->head_id.size != 8 || l->tail_id.size != 8
          || l->begin.size != 8 || l->next.size != 8 || l->head_lpos.size != 8
          || l->tail_lpos.size != 8 || l->descs.size != 8 || l->infos.size != 8
          || l->data.size != 8))
    {
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_UNSUPPORTED,
                   "this kernel's log layout is not supported: %s is not a 64-bit kernel "
                   "(its printk ring's ids and positions are not 8 bytes)",
                   hs_symbol_file_get_path (vmlinux));
      return NULL;
    }
  return g_steal_pointer (&l);
}

/* ---- values -------------------------------------------------------------------------------- */

static guint64
get (const guint8 *buf,
     const Field  *f)
{
  guint64 v = 0;

  for (guint64 i = f->size; i > 0; i--)
    v = v << 8 | buf[f->offset + i - 1];
  if (f->bit_size != 0)
    v = (v >> f->bit_offset) & ((G_GUINT64_CONSTANT (1) << f->bit_size) - 1);
  return v;
}

static gboolean
is_kernel_pointer (guint64 p)
{
  return (p >> 48) == 0xffff && (p & 7) == 0;
}

/* ---- reading ------------------------------------------------------------------------------- */

typedef struct
{
  const HsLinuxReader *reader;
  gint64 deadline;             /* monotonic time */
  gboolean out_of_time;
  gboolean cancelled;
} Ctx;

static gboolean
ctx_must_stop (Ctx *ctx)
{
  if (ctx->reader->cancellable != NULL && g_cancellable_is_cancelled (ctx->reader->cancellable))
    ctx->cancelled = TRUE;
  else if (g_get_monotonic_time () > ctx->deadline)
    ctx->out_of_time = TRUE;
  return ctx->cancelled || ctx->out_of_time;
}

/* A copy of [va, va + len) of guest memory, and which of its bytes could be read (@ok, one
 * byte per byte: the text ring is at most 32 MiB, and a per-page map would be the same code
 * with more arithmetic). */
typedef struct
{
  guint64 va;
  gsize len;
  guint8 *buf;
  guint8 *ok;
} Copy;

static void
copy_clear (Copy *c)
{
  g_clear_pointer (&c->buf, g_free);
  g_clear_pointer (&c->ok, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Copy, copy_clear)

static gboolean
copy_init (Copy    *c,
           guint64  va,
           gsize    len)
{
  c->va = va;
  c->len = len;
  c->buf = g_try_malloc0 (MAX (len, 1));
  c->ok = g_try_malloc0 (MAX (len, 1));
  return c->buf != NULL && c->ok != NULL;
}

static gboolean
copy_has (const Copy *c,
          gsize       at,
          gsize       len)
{
  if (at > c->len || len > c->len - at)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!c->ok[at + i])
      return FALSE;
  return TRUE;
}

/* Reads [at, at + len) of @c from the guest, page by page (batched through readv when the
 * reader has it). Pages that do not read stay not ok; FALSE and @error only when the reader
 * itself fails (the probe is gone), or the time or a cancellation stops the read. */
static gboolean
copy_read (Ctx      *ctx,
           Copy     *c,
           gsize     at,
           gsize     len,
           GError  **error)
{
  const HsLinuxReader *r = ctx->reader;
  HsLinuxRead reads[BATCH];
  guint n = 0, failed_in_a_row = 0;
  gsize done = 0;

  g_assert (at <= c->len && len <= c->len - at);
  while (done < len)
    {
      guint64 va = c->va + at + done;
      gsize piece = MIN (len - done, PAGE - (va & (PAGE - 1)));

      reads[n++] = (HsLinuxRead) { va, c->buf + at + done, piece, FALSE };
      done += piece;
      if (n < BATCH && done < len)
        continue;
      if (ctx_must_stop (ctx))
        break;
      if (r->readv != NULL)
        {
          if (!r->readv (reads, n, r->user_data, error))
            return FALSE;
        }
      else
        for (guint i = 0; i < n; i++)
          {
            reads[i].ok = r->read (reads[i].va, reads[i].buf, reads[i].len, r->user_data, NULL);
            failed_in_a_row = reads[i].ok ? 0 : failed_in_a_row + 1;
            if (failed_in_a_row >= MAX_FAILED_PAGES)
              {
                g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                             "cannot read the guest's memory: %u pages in a row failed, the "
                             "last at 0x%" G_GINT64_MODIFIER "x", failed_in_a_row, reads[i].va);
                return FALSE;
              }
          }
      for (guint i = 0; i < n; i++)
        if (reads[i].ok)
          memset (c->ok + ((guint8 *) reads[i].buf - c->buf), 1, reads[i].len);
      n = 0;
    }
  if (ctx->cancelled)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "reading the kernel log was cancelled");
      return FALSE;
    }
  return TRUE;
}

/* Elements [first, first + n) of a ring of @count elements of @size bytes at @base, where the
 * indexes wrap: into @c in ring order from @first (so element i of the slice is at i * size). */
static gboolean
read_slice (Ctx      *ctx,
            guint64   base,
            guint64   size,
            guint64   count,
            guint64   first,
            guint64   n,
            Copy     *c,
            GError  **error)
{
  guint64 n1 = MIN (n, count - first);
  Copy part = { 0 };

  g_assert (first < count && n <= count);
  if (!copy_init (c, 0, n * size))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                   "cannot hold %" G_GUINT64_FORMAT " bytes of the printk ring", n * size);
      return FALSE;
    }
  /* The slice is two reads when it wraps: one Copy per piece, moved into @c. */
  for (guint piece = 0; piece < 2; piece++)
    {
      guint64 from = piece == 0 ? first : 0;
      guint64 k = piece == 0 ? n1 : n - n1;
      guint64 to = piece == 0 ? 0 : n1 * size;

      if (k == 0)
        continue;
      part.va = base + from * size;
      part.len = k * size;
      part.buf = c->buf + to;
      part.ok = c->ok + to;
      if (!copy_read (ctx, &part, 0, part.len, error))
        return FALSE;
    }
  return TRUE;
}

typedef struct
{
  guint n_reserved;            /* being written when the guest stopped */
  guint n_lost;                /* text overwritten, unreadable or failed to store */
  guint n_inconsistent;        /* impossible: state, id, seq or position */
  guint n_over_budget;         /* past the bound on the text of all records */
  GString *notes;              /* anything else, "; "-separated */
} Tally;

static void
note (Tally      *t,
      const char *format,
      ...) G_GNUC_PRINTF (2, 3);

static void
note (Tally      *t,
      const char *format,
      ...)
{
  va_list args;

  if (t->notes->len > 0)
    g_string_append (t->notes, "; ");
  va_start (args, format);
  g_string_append_vprintf (t->notes, format, args);
  va_end (args);
}

static char *
tally_warning (Tally *t,
               Ctx   *ctx)
{
  GString *w = g_string_new (NULL);

  if (t->n_reserved)
    g_string_append_printf (w, "; %u record%s being written when the guest stopped %s not "
                            "shown", t->n_reserved, t->n_reserved == 1 ? "" : "s",
                            t->n_reserved == 1 ? "is" : "are");
  if (t->n_lost)
    g_string_append_printf (w, "; %u record%s whose text was overwritten or cannot be read %s "
                            "left out", t->n_lost, t->n_lost == 1 ? "" : "s",
                            t->n_lost == 1 ? "is" : "are");
  if (t->n_inconsistent)
    g_string_append_printf (w, "; %u record%s with impossible values (state, id, sequence "
                            "number or position) %s left out", t->n_inconsistent,
                            t->n_inconsistent == 1 ? "" : "s",
                            t->n_inconsistent == 1 ? "is" : "are");
  if (t->n_over_budget)
    g_string_append_printf (w, "; the records' text adds up to more than the ring holds: the "
                            "last %u are left out", t->n_over_budget);
  if (ctx->out_of_time)
    g_string_append_printf (w, "; the read stopped after %u s, with what it had",
                            HS_LINUX_PRINTK_SECONDS);
  if (t->notes->len)
    g_string_append_printf (w, "; %s", t->notes->str);
  g_string_free (t->notes, TRUE);
  if (w->len == 0)
    {
      g_string_free (w, TRUE);
      return NULL;
    }
  g_string_erase (w, 0, 2);
  return g_string_free (w, FALSE);
}

static gboolean
read_value (Ctx          *ctx,
            guint64       va,
            gsize         size,
            guint64      *value,
            const char   *what,
            GError      **error)
{
  guint8 buf[8] = { 0 };
  Field f = { 0, size, 0, 0 };
  GError *local_error = NULL;

  g_assert (size <= 8);
  if (!ctx->reader->read (va, buf, size, ctx->reader->user_data, &local_error))
    {
      g_propagate_prefixed_error (error, local_error, "cannot read %s at 0x%" G_GINT64_MODIFIER
                                  "x: ", what, va);
      return FALSE;
    }
  *value = get (buf, &f);
  return TRUE;
}

/* ---- the lockless ring (5.10+) ------------------------------------------------------------- */

/* enum desc_state: the top two bits of state_var. */
enum { DESC_RESERVED, DESC_COMMITTED, DESC_FINALIZED, DESC_REUSABLE };
#define FAILED_LPOS 0x1
#define NO_LPOS     0x3
#define ID_SIZE     8          /* a data block's leading id: an unsigned long */

static gboolean
read_ringbuffer (const HsLinuxPrintkLayout  *l,
                 HsSymbolFile               *vmlinux,
                 guint64                     offset,
                 Ctx                        *ctx,
                 GArray                     *lines,
                 Tally                      *t,
                 GError                    **error)
{
  const guint64 id_mask = ~(G_GUINT64_CONSTANT (3) << 62);
  g_autofree guint8 *rb = g_malloc0 (l->rb_size);
  g_auto(Copy) descs = { 0 };
  g_auto(Copy) infos = { 0 };
  g_auto(Copy) ring = { 0 };
  GError *local_error = NULL;
  guint64 prb, count_bits, size_bits, count, size, head, tail, n, head_lpos, tail_lpos, used;
  guint64 descs_va, infos_va, data_va, fail, last_seq = 0, text_budget;
  gboolean any = FALSE;
  HsSymbol sym;

  if (!hs_symbol_file_lookup (vmlinux, "prb", &sym))
    {
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NOT_FOUND,
                   "%s has no symbol prb", hs_symbol_file_get_path (vmlinux));
      return FALSE;
    }
  if (!read_value (ctx, sym.address + offset, 8, &prb, "prb", error))
    return FALSE;
  if (!is_kernel_pointer (prb))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "prb points outside the guest's kernel memory (0x%" G_GINT64_MODIFIER "x)",
                   prb);
      return FALSE;
    }
  if (!ctx->reader->read (prb, rb, l->rb_size, ctx->reader->user_data, &local_error))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "prb points outside the guest's kernel memory: cannot read its "
                   "printk_ringbuffer at 0x%" G_GINT64_MODIFIER "x (%s)", prb,
                   local_error->message);
      g_error_free (local_error);
      return FALSE;
    }

  count_bits = get (rb, &l->count_bits);
  size_bits = get (rb, &l->size_bits);
  descs_va = get (rb, &l->descs);
  infos_va = get (rb, &l->infos);
  data_va = get (rb, &l->data);
  head = get (rb, &l->head_id) & id_mask;
  tail = get (rb, &l->tail_id) & id_mask;
  head_lpos = get (rb, &l->head_lpos);
  tail_lpos = get (rb, &l->tail_lpos);
  fail = l->fail.size ? get (rb, &l->fail) : 0;

  /* The header decides what is allocated and read: each value must be one a kernel makes. */
  {
    g_autofree char *why = NULL;

    if (count_bits > HS_LINUX_PRINTK_MAX_DESC_BITS)
      why = g_strdup_printf ("desc_ring.count_bits is %" G_GUINT64_FORMAT ", and no kernel has "
                             "more than 2^%u descriptors", count_bits,
                             HS_LINUX_PRINTK_MAX_DESC_BITS);
    else if (size_bits < 3 || size_bits > 25)
      why = g_strdup_printf ("text_data_ring.size_bits is %" G_GUINT64_FORMAT ", not between 3 "
                             "and 25 (a data ring of 8 bytes to 32 MiB)", size_bits);
    else if (!is_kernel_pointer (descs_va) || !is_kernel_pointer (infos_va)
             || !is_kernel_pointer (data_va))
      why = g_strdup_printf ("%s is 0x%" G_GINT64_MODIFIER "x, not a kernel pointer",
                             !is_kernel_pointer (descs_va) ? "desc_ring.descs"
                             : !is_kernel_pointer (infos_va) ? "desc_ring.infos"
                             : "text_data_ring.data",
                             !is_kernel_pointer (descs_va) ? descs_va
                             : !is_kernel_pointer (infos_va) ? infos_va : data_va);
    if (why != NULL)
      {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                     "the printk ring at 0x%" G_GINT64_MODIFIER "x (prb) is not one: %s", prb,
                     why);
        return FALSE;
      }
  }
  count = G_GUINT64_CONSTANT (1) << count_bits;
  size = G_GUINT64_CONSTANT (1) << size_bits;
  text_budget = size;

  /* The records are the ids from tail to head (the ring has at most @count). */
  n = ((head - tail) & id_mask) + 1;
  if (n > count)
    {
      note (t, "the descriptor ring's tail (id 0x%" G_GINT64_MODIFIER "x) and head (id 0x%"
            G_GINT64_MODIFIER "x) are further apart than its %" G_GUINT64_FORMAT " descriptors: "
            "only the newest %" G_GUINT64_FORMAT " are read", tail, head, count, count);
      tail = (head - count + 1) & id_mask;
      n = count;
    }
  /* What is allocated and read for them: a real kernel's are at most 2^20 of 24 + 88 bytes; a
   * crafted vmlinux's structures could make it 8 GiB. */
  if (n * (l->desc_size + l->info_size) > MAX_DESC_BYTES)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "the printk ring's %" G_GUINT64_FORMAT " records would be %" G_GUINT64_FORMAT
                   " MiB of descriptors (%" G_GUINT64_FORMAT " bytes each) and infos (%"
                   G_GUINT64_FORMAT "): more than any kernel's %u MiB", n,
                   n * (l->desc_size + l->info_size) >> 20, l->desc_size, l->info_size,
                   MAX_DESC_BYTES >> 20);
      return FALSE;
    }
  /* The text of valid records lies between the data ring's tail and head. */
  used = head_lpos - tail_lpos;
  if (used > size)
    {
      note (t, "the data ring's tail (0x%" G_GINT64_MODIFIER "x) and head (0x%"
            G_GINT64_MODIFIER "x) are further apart than its %" G_GUINT64_FORMAT " bytes: only "
            "the last %"
            G_GUINT64_FORMAT " are read", tail_lpos, head_lpos, size, size);
      tail_lpos = head_lpos - size;
      used = size;
    }

  if (!read_slice (ctx, descs_va, l->desc_size, count, tail & (count - 1), n, &descs, error)
      || !read_slice (ctx, infos_va, l->info_size, count, tail & (count - 1), n, &infos, error))
    return FALSE;
  if (!copy_init (&ring, data_va, size))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                   "cannot hold the printk ring's %" G_GUINT64_FORMAT " bytes of text", size);
      return FALSE;
    }
  {
    guint64 at = tail_lpos & (size - 1);
    guint64 n1 = MIN (used, size - at);

    if (!copy_read (ctx, &ring, at, n1, error) || !copy_read (ctx, &ring, 0, used - n1, error))
      return FALSE;
  }

  for (guint64 i = 0; i < n; i++)
    {
      const guint8 *d = descs.buf + i * l->desc_size;
      const guint8 *info = infos.buf + i * l->info_size;
      guint64 id = (tail + i) & id_mask;
      guint64 sv, state, seq, begin, next, text_len, at, data_size, block_id;
      HsLogLine proto = { 0 };

      if ((i & 255) == 255 && ctx_must_stop (ctx))
        break;
      if (!copy_has (&descs, i * l->desc_size, l->desc_size))
        {
          t->n_lost++;
          continue;
        }
      sv = get (d, &l->state_var);
      state = sv >> 62;
      /* desc_read(): another id here is a descriptor recycled since (or garbage). */
      if ((sv & id_mask) != id)
        {
          t->n_inconsistent++;
          continue;
        }
      if (state == DESC_RESERVED)
        {
          t->n_reserved++;
          continue;
        }
      /* Reusable: its text may be gone; the kernel's readers skip it too. */
      if (state == DESC_REUSABLE)
        continue;
      if (!copy_has (&infos, i * l->info_size, l->info_size))
        {
          t->n_lost++;
          continue;
        }
      seq = get (info, &l->seq);
      if ((seq & (count - 1)) != (id & (count - 1)) || (any && seq <= last_seq))
        {
          t->n_inconsistent++;
          continue;
        }
      begin = get (d, &l->begin);
      next = get (d, &l->next);
      text_len = get (info, &l->text_len);

      /* get_data(): a data-less record is empty (NO_LPOS) or lost (FAILED_LPOS). */
      if ((begin & 1) && (next & 1))
        {
          if (begin != NO_LPOS || next != NO_LPOS)
            {
              t->n_lost++;
              continue;
            }
          text_len = 0;
          at = 0;
        }
      else
        {
          /* In one wrap, or wrapped (then stored at the start of the data ring). */
          if (begin >> size_bits == next >> size_bits && begin < next)
            {
              at = begin & (size - 1);
              data_size = next - begin;
            }
          else if ((begin + size) >> size_bits == next >> size_bits)
            {
              at = 0;
              data_size = next & (size - 1);
            }
          else
            {
              t->n_inconsistent++;
              continue;
            }
          if ((begin & (ID_SIZE - 1)) || (next & (ID_SIZE - 1)) || data_size < ID_SIZE
              || at + data_size > size)
            {
              t->n_inconsistent++;
              continue;
            }
          /* Outside the ring's tail..head: overwritten since. */
          if (begin - tail_lpos >= used || next - tail_lpos > used
              || next - tail_lpos <= begin - tail_lpos)
            {
              t->n_lost++;
              continue;
            }
          if (data_size - ID_SIZE < text_len || !copy_has (&ring, at, ID_SIZE + text_len))
            {
              t->n_lost++;
              continue;
            }
          memcpy (&block_id, ring.buf + at, ID_SIZE);
          if ((GUINT64_FROM_LE (block_id) & id_mask) != id)
            {
              t->n_lost++;
              continue;
            }
          at += ID_SIZE;
        }
      /* Each record's text is its own block: more than the ring in all is not text. */
      if (text_len > text_budget)
        {
          t->n_over_budget = (guint) (n - i);
          break;
        }
      text_budget -= text_len;

      proto.seq = seq;
      proto.ts_nsec = get (info, &l->ts_nsec);
      proto.level = (gint) get (info, &l->level);
      proto.facility = (guint) get (info, &l->facility);
      proto.flags = (guint) get (info, &l->flags);
      proto.caller_id = l->caller_id.size ? (guint32) get (info, &l->caller_id) : 0;
      proto.unfinished = state == DESC_COMMITTED;
      hs_log_append_text (lines, &proto, ring.buf + at, text_len);
      last_seq = seq;
      any = TRUE;
    }
  if (fail != 0)
    note (t, "the kernel could not store %" G_GUINT64_FORMAT " message%s at all (prb->fail)",
          fail, fail == 1 ? "" : "s");
  return TRUE;
}

/* ---- log_buf (3.11-5.9) -------------------------------------------------------------------- */

static gboolean
read_variable (Ctx           *ctx,
               HsSymbolFile  *vmlinux,
               guint64        offset,
               const char    *name,
               gsize          default_size,
               guint64       *value,
               GError       **error)
{
  HsSymbol sym;
  gsize size;

  if (!hs_symbol_file_lookup (vmlinux, name, &sym))
    {
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NOT_FOUND,
                   "%s has no symbol %s", hs_symbol_file_get_path (vmlinux), name);
      return FALSE;
    }
  size = sym.size == 4 || sym.size == 8 ? sym.size : default_size;
  return read_value (ctx, sym.address + offset, size, value, name, error);
}

static gboolean
read_log_buf (const HsLinuxPrintkLayout  *l,
              HsSymbolFile               *vmlinux,
              guint64                     offset,
              Ctx                        *ctx,
              GArray                     *lines,
              Tally                      *t,
              GError                    **error)
{
  g_auto(Copy) buf = { 0 };
  guint64 log_buf, buf_len, first_idx, next_idx, first_seq, next_seq, n, idx;
  gboolean wrapped = FALSE;

  if (!read_variable (ctx, vmlinux, offset, "log_buf", 8, &log_buf, error)
      || !read_variable (ctx, vmlinux, offset, "log_buf_len", 4, &buf_len, error)
      || !read_variable (ctx, vmlinux, offset, "log_first_idx", 4, &first_idx, error)
      || !read_variable (ctx, vmlinux, offset, "log_next_idx", 4, &next_idx, error)
      || !read_variable (ctx, vmlinux, offset, "log_first_seq", 8, &first_seq, error)
      || !read_variable (ctx, vmlinux, offset, "log_next_seq", 8, &next_seq, error))
    return FALSE;
  if (!is_kernel_pointer (log_buf))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "log_buf points outside the guest's kernel memory (0x%" G_GINT64_MODIFIER
                   "x)", log_buf);
      return FALSE;
    }
  if (buf_len < l->info_size || buf_len > HS_LINUX_PRINTK_MAX_DATA || first_idx >= buf_len
      || next_idx > buf_len || next_seq < first_seq)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "the kernel log at 0x%" G_GINT64_MODIFIER "x holds impossible values: "
                   "log_buf_len %" G_GUINT64_FORMAT " (at most %u), log_first_idx %"
                   G_GUINT64_FORMAT ", log_next_idx %" G_GUINT64_FORMAT ", log_first_seq %"
                   G_GUINT64_FORMAT ", log_next_seq %" G_GUINT64_FORMAT, log_buf, buf_len,
                   HS_LINUX_PRINTK_MAX_DATA, first_idx, next_idx, first_seq, next_seq);
      return FALSE;
    }
  /* Every record holds at least its header. */
  n = next_seq - first_seq;
  if (n > buf_len / l->info_size)
    {
      note (t, "log_first_seq and log_next_seq are %" G_GUINT64_FORMAT " apart, more records "
            "than log_buf's %" G_GUINT64_FORMAT " bytes can hold", n, buf_len);
      n = buf_len / l->info_size;
    }
  if (!copy_init (&buf, log_buf, buf_len))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                   "cannot hold log_buf's %" G_GUINT64_FORMAT " bytes", buf_len);
      return FALSE;
    }
  if (!copy_read (ctx, &buf, 0, buf_len, error))
    return FALSE;

  idx = first_idx;
  for (guint64 i = 0; i < n; i++)
    {
      const guint8 *h;
      guint64 len, text_len;
      HsLogLine proto = { 0 };

      if ((i & 255) == 255 && ctx_must_stop (ctx))
        break;
      if (idx + l->info_size > buf_len || !copy_has (&buf, idx, l->info_size))
        {
          note (t, "the record list breaks at offset %" G_GUINT64_FORMAT " of log_buf: the "
                "last %" G_GUINT64_FORMAT " records are left out", idx, n - i);
          break;
        }
      h = buf.buf + idx;
      len = get (h, &l->len);
      /* A zero length marks the end of the buffer: the next record is at its start. Twice in
       * a row is a loop. */
      if (len == 0)
        {
          if (wrapped)
            {
              note (t, "log_buf's records loop at offset 0: the last %" G_GUINT64_FORMAT
                    " records are left out", n - i);
              break;
            }
          wrapped = TRUE;
          idx = 0;
          i--;
          continue;
        }
      wrapped = FALSE;
      text_len = get (h, &l->text_len);
      if (len < l->info_size || idx + len > buf_len || text_len > len - l->info_size
          || !copy_has (&buf, idx + l->info_size, text_len))
        {
          note (t, "a record at offset %" G_GUINT64_FORMAT " of log_buf has an impossible "
                "length (%" G_GUINT64_FORMAT " bytes, %" G_GUINT64_FORMAT " of text): the "
                "last %" G_GUINT64_FORMAT " records are left out", idx, len, text_len, n - i);
          break;
        }
      proto.seq = first_seq + i;
      proto.ts_nsec = get (h, &l->ts_nsec);
      proto.level = (gint) get (h, &l->level);
      proto.facility = (guint) get (h, &l->facility);
      proto.flags = (guint) get (h, &l->flags);
      proto.caller_id = l->caller_id.size ? (guint32) get (h, &l->caller_id) : 0;
      hs_log_append_text (lines, &proto, h + l->info_size, text_len);
      idx += len;
    }
  return TRUE;
}

gboolean
hs_linux_printk_read (const HsLinuxPrintkLayout  *layout,
                      HsSymbolFile               *vmlinux,
                      guint64                     offset,
                      const HsLinuxReader        *reader,
                      GArray                     *lines,
                      char                      **warning,
                      GError                    **error)
{
  Ctx ctx = { reader, g_get_monotonic_time () + HS_LINUX_PRINTK_SECONDS * G_USEC_PER_SEC,
              FALSE, FALSE };
  Tally t = { 0 };
  gboolean ok;

  g_return_val_if_fail (layout != NULL, FALSE);
  g_return_val_if_fail (HS_IS_SYMBOL_FILE (vmlinux), FALSE);
  g_return_val_if_fail (reader != NULL && reader->read != NULL, FALSE);
  g_return_val_if_fail (lines != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (warning != NULL)
    *warning = NULL;
  t.notes = g_string_new (NULL);
  if (layout->kind == HS_LINUX_PRINTK_RINGBUFFER)
    ok = read_ringbuffer (layout, vmlinux, offset, &ctx, lines, &t, error);
  else
    ok = read_log_buf (layout, vmlinux, offset, &ctx, lines, &t, error);
  {
    g_autofree char *w = tally_warning (&t, &ctx);

    if (ok && warning != NULL)
      *warning = g_steal_pointer (&w);
  }
  return ok;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-unwind.c: the AArch64 stack unwinder (engine/hs-unwind.c) on stacks built in memory.
 *
 * Each stack is laid out from the call-frame information of the code it pretends to run (the
 * CFA and the x29/x30 save slots of each function at its call), with return addresses found by
 * decoding the real `bl` instructions of the ELF, so a frame walk over it must give back the
 * same call chain by CFI, by frame records, or by both.
 *
 * Symbols (paths in the environment, set by tests/engine/meson.build):
 *   HS_UNWIND_SAMPLE_DEBUG_FRAME  unwind-sample.c (main → a → b → c, -O0), CFI in .debug_frame
 *   HS_UNWIND_SAMPLE_EH_FRAME     the same code, CFI in .eh_frame
 *   HS_UNWIND_SAMPLE_NO_CFI       the same code without any CFI (and without DWARF)
 *   HS_UNWIND_KERNEL_SAMPLE       unwind-kernel-sample.c: the functions a task asleep in
 *                                 nanosleep(2) has on its kernel stack, -O2 with frame pointers
 *                                 and .debug_frame, entry and switch code in assembly
 * The kernel-shaped cases run on that sample; with --vmlinux (the board's tests), on the demo
 * board's vmlinux from $XDG_CACHE_HOME/hyperscope/board/out as well.
 */
#define G_LOG_DOMAIN "test-unwind"

#include "config.h"

#include "hs-unwind.h"

#include <fcntl.h>
#include <gelf.h>
#include <gio/gio.h>
#include <libelf.h>
#include <string.h>
#include <unistd.h>

#define STACK_BASE G_GUINT64_CONSTANT (0xffff800010000000)
#define STACK_SIZE 0x4000   /* THREAD_SIZE of the arm64 kernel */
#define MAX_CHAIN 16

/* ------------------------------------------------------------------------------------------ */
/* A stack in memory                                                                          */

typedef struct
{
  guint64 base;
  guint8 data[STACK_SIZE];
  guint64 fail_at;          /* a read that covers it fails (0: none) */
  guint64 cancel_at;        /* a read that covers it is cancelled (0: none) */
  guint n_reads;
} FakeMemory;

static gboolean
covers (guint64 va,
        gsize   len,
        guint64 address)
{
  return address != 0 && address >= va && address - va < len;
}

static gboolean
fake_read (guint64    va,
           void      *buf,
           gsize      len,
           gpointer   user_data,
           GError   **error)
{
  FakeMemory *mem = user_data;

  mem->n_reads++;
  g_assert_cmpuint (len, <=, 16);
  if (covers (va, len, mem->cancel_at))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "cancelled");
      return FALSE;
    }
  if (covers (va, len, mem->fail_at))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "stage-1 fault at 0x%" G_GINT64_MODIFIER "x", mem->fail_at);
      return FALSE;
    }
  if (va < mem->base || va - mem->base > STACK_SIZE || STACK_SIZE - (va - mem->base) < len)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "no mapping");
      return FALSE;
    }
  memcpy (buf, mem->data + (va - mem->base), len);
  return TRUE;
}

static void
put_u64 (FakeMemory *mem,
         guint64     va,
         guint64     value)
{
  guint64 le = GUINT64_TO_LE (value);

  g_assert_cmpuint (va, >=, mem->base);
  g_assert_cmpuint (va - mem->base, <=, STACK_SIZE - 8);
  memcpy (mem->data + (va - mem->base), &le, 8);
}

static FakeMemory *
fake_memory_new (void)
{
  FakeMemory *mem = g_new0 (FakeMemory, 1);

  mem->base = STACK_BASE;
  /* Whatever a stack holds that is not a frame record. */
  for (guint i = 0; i < STACK_SIZE; i++)
    mem->data[i] = (guint8) (0xa5 ^ i);
  return mem;
}

/* ------------------------------------------------------------------------------------------ */
/* Symbols                                                                                     */

static HsSymbolFile *vmlinux;
static gboolean vmlinux_tried;
static gboolean with_vmlinux;   /* --vmlinux: the board's tests, where it must be there */

/* The board's vmlinux, loaded once for all the tests; NULL (and the test skipped, when
 * @skip) if it has not been built. */
static HsSymbolFile *
load_vmlinux (gboolean skip)
{
  g_autofree char *path = g_build_filename (g_get_user_cache_dir (), "hyperscope", "board",
                                            "out", "vmlinux", NULL);
  g_autoptr(GError) error = NULL;

  if (!vmlinux_tried)
    {
      vmlinux_tried = TRUE;
      if (g_file_test (path, G_FILE_TEST_EXISTS))
        {
          vmlinux = hs_symbol_file_load (path, &error);
          g_assert_no_error (error);
        }
    }
  if (vmlinux == NULL && with_vmlinux)
    g_error ("%s is absent: the board's tests run after the board is built", path);
  if (vmlinux == NULL && skip)
    {
      g_autofree char *message = g_strdup_printf ("%s is absent: build the board first", path);

      g_test_skip (message);
    }
  return vmlinux;
}

static HsSymbolFile *
load_sample (const char *env)
{
  const char *path = g_getenv (env);
  g_autoptr(GError) error = NULL;
  HsSymbolFile *file;

  if (path == NULL)
    {
      g_test_skip ("the AArch64 samples were not built (no aarch64-linux-gnu-gcc?)");
      return NULL;
    }
  file = hs_symbol_file_load (path, &error);
  g_assert_no_error (error);
  return file;
}

static HsSymbol
lookup (HsSymbolFile *file,
        const char   *name)
{
  HsSymbol sym;

  if (!hs_symbol_file_lookup (file, name, &sym))
    g_error ("no symbol %s in %s", name, hs_symbol_file_get_path (file));
  return sym;
}

/* The address of the first `bl @callee` (or, for "*", the first `blr`) inside @caller, decoded
 * from the ELF with libelf, independently of the symbols layer. */
static guint64
find_call (HsSymbolFile *file,
           const char   *caller,
           const char   *callee)
{
  HsSymbol from = lookup (file, caller);
  guint64 target = strcmp (callee, "*") == 0 ? 0 : lookup (file, callee).address;
  guint64 size = from.size != 0 ? from.size : 0x100;
  guint64 found = 0;
  Elf_Scn *scn = NULL;
  Elf *elf;
  int fd;

  g_assert_cmpint (elf_version (EV_CURRENT), !=, EV_NONE);
  fd = open (hs_symbol_file_get_path (file), O_RDONLY);
  g_assert_cmpint (fd, >=, 0);
  elf = elf_begin (fd, ELF_C_READ_MMAP, NULL);
  g_assert_nonnull (elf);

  while (found == 0 && (scn = elf_nextscn (elf, scn)) != NULL)
    {
      GElf_Shdr sh;
      Elf_Data *data;

      g_assert_nonnull (gelf_getshdr (scn, &sh));
      if (sh.sh_type != SHT_PROGBITS || (sh.sh_flags & SHF_EXECINSTR) == 0
          || from.address < sh.sh_addr || from.address >= sh.sh_addr + sh.sh_size)
        continue;
      data = elf_getdata (scn, NULL);
      g_assert_nonnull (data);
      for (guint64 at = from.address; at < from.address + size && at + 4 <= sh.sh_addr
           + sh.sh_size; at += 4)
        {
          guint32 insn;
          gint64 delta;

          memcpy (&insn, (const guint8 *) data->d_buf + (at - sh.sh_addr), 4);
          insn = GUINT32_FROM_LE (insn);
          delta = ((gint64) ((guint64) (insn & 0x03ffffff) << 38)) >> 36;   /* imm26 * 4 */
          if (target == 0 ? (insn & 0xfffffc1f) == 0xd63f0000
                          : (insn & 0xfc000000) == 0x94000000
                            && at + (guint64) delta == target)
            {
              found = at;
              break;
            }
        }
    }
  elf_end (elf);
  close (fd);
  if (found == 0)
    g_error ("no call to %s in %s", callee, caller);
  return found;
}

/* ------------------------------------------------------------------------------------------ */
/* Stacks laid out from the CFI                                                                */

/* A frame of a chain: in @function, at the return address of its call to @callee ("*": its
 * first indirect call), or at @function + @offset when @callee is NULL (frame 0 only). */
typedef struct
{
  const char *function;
  const char *callee;
  guint64 offset;
} Call;

typedef struct
{
  guint n;
  guint64 pc[MAX_CHAIN];        /* run-time addresses */
  guint64 sp[MAX_CHAIN];
  guint64 fp[MAX_CHAIN];        /* x29 in each frame */
  guint64 record[MAX_CHAIN];    /* where frame i saved its caller's x29 and x30; 0: none */
  gboolean cfi[MAX_CHAIN];      /* frame i's code has CFI */
  HsUnwindRegs regs;            /* frame 0 */
} Layout;

/* Lays out the stack of @calls (innermost first) in @mem, using @file's CFI at each frame's pc
 * (a caller's at pc - 4). A frame without CFI may only be the outermost: its x29 points at a
 * terminating record {0, 0}, as the kernel's pt_regs->stackframe is. */
static void
build_layout (FakeMemory   *mem,
              HsSymbolFile *file,
              guint64       load_offset,
              const Call   *calls,
              guint         n,
              Layout       *out)
{
  gboolean fp_same[MAX_CHAIN] = { 0 }, lr_same = FALSE;
  guint64 sp = mem->base + 0x400;

  g_assert_cmpuint (n, <=, MAX_CHAIN);
  memset (out, 0, sizeof *out);
  out->n = n;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;
      guint64 pc, cfa = 0;
      HsFrameRule rule;

      if (calls[i].callee == NULL)
        {
          g_assert_cmpuint (i, ==, 0);
          pc = lookup (file, calls[i].function).address + calls[i].offset;
        }
      else
        pc = find_call (file, calls[i].function, calls[i].callee) + 4;
      out->pc[i] = pc + load_offset;
      out->sp[i] = sp;

      if (!hs_symbol_file_get_frame_rule (file, i == 0 ? pc : pc - 4, &rule, &error))
        {
          g_assert_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NOT_FOUND);
          g_assert_cmpuint (i, ==, n - 1);
          out->fp[i] = out->record[i] = sp + 0x100;
          continue;
        }
      out->cfi[i] = TRUE;
      g_assert_false (rule.cfa_is_expression);
      if (rule.cfa_reg == 31)
        cfa = sp + rule.cfa_offset;
      else
        {
          g_assert_cmpuint (rule.cfa_reg, ==, 29);
          out->fp[i] = sp;                        /* mov x29, sp */
          cfa = sp + rule.cfa_offset;
        }
      if (rule.fp.kind == HS_REG_RULE_OFFSET)
        {
          /* A frame record {x29, x30}, and x29 points at it. */
          g_assert_cmpuint (rule.lr.kind, ==, HS_REG_RULE_OFFSET);
          g_assert_cmpint (rule.lr.offset, ==, rule.fp.offset + 8);
          out->record[i] = cfa + rule.fp.offset;
          if (rule.cfa_reg == 29)
            g_assert_cmpuint (out->record[i], ==, out->fp[i]);
          out->fp[i] = out->record[i];
        }
      else
        {
          /* Nothing pushed yet, or a leaf: x29 and x30 are the caller's. */
          g_assert_cmpuint (i, ==, 0);
          g_assert_cmpuint (rule.fp.kind, ==, HS_REG_RULE_SAME_VALUE);
          g_assert_cmpuint (rule.lr.kind, ==, HS_REG_RULE_SAME_VALUE);
          fp_same[i] = lr_same = TRUE;
        }
      g_assert_cmpuint (cfa % 16, ==, 0);
      sp = cfa;
    }

  for (guint i = n; i-- > 0;)
    if (fp_same[i])
      out->fp[i] = i + 1 < n ? out->fp[i + 1] : 0;

  for (guint i = 0; i < n; i++)
    if (out->record[i] != 0)
      {
        put_u64 (mem, out->record[i], i + 1 < n ? out->fp[i + 1] : 0);
        put_u64 (mem, out->record[i] + 8, i + 1 < n ? out->pc[i + 1] : 0);
      }

  /* Frame 0: every register, x0..x18 garbage; tests take away what they want unknown. */
  for (guint r = 0; r < 31; r++)
    {
      out->regs.x[r] = G_GUINT64_CONSTANT (0xdead000000000000) | r;
      out->regs.x_valid[r] = TRUE;
    }
  out->regs.x[29] = out->fp[0];
  out->regs.x[30] = lr_same && n > 1 ? out->pc[1] : G_GUINT64_CONSTANT (0xdead00000000001e);
  out->regs.sp = out->sp[0];
  out->regs.pc = out->pc[0];
  out->regs.have_sp = out->regs.have_pc = TRUE;
}

/* Frame 0 as a sleeping Linux task's thread.cpu_context has it: x19..x28, fp, sp, pc. */
static void
keep_only_cpu_context (HsUnwindRegs *regs)
{
  for (guint r = 0; r < 31; r++)
    regs->x_valid[r] = r >= 19 && r <= 29;
}

static GArray *
frames_new (void)
{
  GArray *frames = g_array_new (FALSE, TRUE, sizeof (HsFrame));

  g_array_set_clear_func (frames, (GDestroyNotify) hs_frame_clear);
  return frames;
}

static HsFrame *
frame_at (GArray *frames,
          guint   i)
{
  g_assert_cmpuint (i, <, frames->len);
  return &g_array_index (frames, HsFrame, i);
}

/* Unwinds @layout's stack; asserts success and returns the stop reason. */
static char *
unwind_layout (FakeMemory            *mem,
               const Layout          *layout,
               const HsUnwindSymbols *symbols,
               guint                  n_symbols,
               guint64                low,
               guint64                high,
               guint                  max_frames,
               GArray                *frames)
{
  g_autoptr(GError) error = NULL;
  char *reason = NULL;

  g_assert_true (hs_unwind (&layout->regs, symbols, n_symbols, low, high, fake_read, mem,
                            max_frames, frames, &reason, &error));
  g_assert_no_error (error);
  g_assert_nonnull (reason);
  if (g_test_verbose ())
    {
      for (guint i = 0; i < frames->len; i++)
        {
          g_autofree char *line = hs_frame_format (frame_at (frames, i), NULL);

          g_test_message ("%s  [%s sp 0x%" G_GINT64_MODIFIER "x fp 0x%" G_GINT64_MODIFIER
                          "x]", line, hs_frame_method_to_string (frame_at (frames, i)->method),
                          frame_at (frames, i)->sp, frame_at (frames, i)->fp);
        }
      g_test_message ("stopped: %s", reason);
    }
  return reason;
}

/* Asserts frame @i: @calls[i]'s function at the layout's pc, with the line of its call. */
static void
assert_frame (GArray        *frames,
              guint          i,
              const Layout  *layout,
              const Call    *calls,
              HsSymbolFile  *file,
              guint64        load_offset,
              HsFrameMethod  method)
{
  const HsFrame *frame = frame_at (frames, i);
  g_autoptr(GError) error = NULL;
  g_autofree char *file_name = NULL;
  guint64 start = lookup (file, calls[i].function).address + load_offset;
  guint line = 0;

  g_assert_cmpuint (frame->level, ==, i);
  g_assert_cmphex (frame->pc, ==, layout->pc[i]);
  g_assert_cmphex (frame->regs.pc, ==, layout->pc[i]);
  g_assert_true (frame->regs.have_pc);
  g_assert_cmpstr (frame->function, ==, calls[i].function);
  g_assert_cmphex (frame->offset, ==, layout->pc[i] - start);
  g_assert_cmpuint (frame->method, ==, method);

  if (hs_symbol_file_has_dwarf (file))
    {
      g_assert_true (hs_symbol_file_address_to_line (file, layout->pc[i] - load_offset
                                                     - (i > 0 ? 4 : 0), &file_name, &line,
                                                     &error));
      g_assert_no_error (error);
      g_assert_nonnull (frame->file);
      g_assert_cmpstr (frame->file, ==, file_name);
      g_assert_cmpuint (frame->line, ==, line);
      g_assert_cmpuint (frame->line, >, 0);
    }
  else
    {
      g_assert_null (frame->file);
      g_assert_cmpuint (frame->line, ==, 0);
    }

  if (method == HS_FRAME_CFI)
    g_assert_true (frame->regs.have_sp);
  if (frame->regs.have_sp)
    g_assert_cmphex (frame->sp, ==, layout->sp[i]);
  else
    g_assert_cmphex (frame->sp, ==, 0);
  if (frame->regs.x_valid[29])
    g_assert_cmphex (frame->fp, ==, layout->fp[i]);
  if (i > 0)
    {
      g_assert_true (frame->regs.x_valid[30]);
      g_assert_cmphex (frame->regs.x[30], ==, layout->pc[i]);
      /* A call may clobber x0..x18, and GCC never describes them. */
      for (guint r = 0; r < 19; r++)
        g_assert_false (frame->regs.x_valid[r]);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* vmlinux                                                                                     */

/* A task asleep in nanosleep(2): cpu_switch_to saved its context in __switch_to. */
static const Call vmlinux_chain[] = {
  { "__switch_to", "cpu_switch_to" },
  { "__schedule", "__switch_to" },
  { "schedule", "__schedule" },
  { "do_nanosleep", "schedule" },
  { "hrtimer_nanosleep", "do_nanosleep" },
  { "__arm64_sys_nanosleep", "hrtimer_nanosleep" },
  { "invoke_syscall", "*" },
  { "el0_svc_common.constprop.0", "invoke_syscall" },
  { "do_el0_svc", "el0_svc_common.constprop.0" },
  { "el0_svc", "do_el0_svc" },
  { "el0t_64_sync_handler", "el0_svc" },
  { "el0t_64_sync", "el0t_64_sync_handler" },     /* entry.S: no CFI, ends at {0, 0} */
};

/* The same path in unwind-kernel-sample.c. */
static const Call sample_kernel_chain[] = {
  { "__switch_to", "cpu_switch_to" },
  { "__schedule", "__switch_to" },
  { "schedule", "__schedule" },
  { "do_nanosleep", "schedule" },
  { "hrtimer_nanosleep", "do_nanosleep" },
  { "__arm64_sys_nanosleep", "hrtimer_nanosleep" },
  { "invoke_syscall", "*" },
  { "el0_svc_common", "invoke_syscall" },
  { "do_el0_svc", "el0_svc_common" },
  { "el0_svc", "do_el0_svc" },
  { "el0t_64_sync_handler", "el0_svc" },
  { "el0t_64_sync", "el0t_64_sync_handler" },     /* assembly: no CFI, ends at {0, 0} */
};

/* Where a kernel-shaped chain comes from: the sample, or the board's vmlinux. */
typedef struct
{
  const char *name;
  const char *env;              /* the sample's path, or NULL for vmlinux */
  const Call *chain;
  guint n;
  const char *switch_file;      /* the source of frame 0 (__switch_to) and 3 (do_nanosleep) */
  const char *sleep_file;
} Target;

enum { TARGET_SAMPLE, TARGET_VMLINUX, N_TARGETS };

static const Target targets[N_TARGETS] = {
  [TARGET_SAMPLE] = { "kernel-sample", "HS_UNWIND_KERNEL_SAMPLE", sample_kernel_chain,
                      G_N_ELEMENTS (sample_kernel_chain), "unwind-kernel-sample.c",
                      "unwind-kernel-sample.c" },
  [TARGET_VMLINUX] = { "vmlinux", NULL, vmlinux_chain, G_N_ELEMENTS (vmlinux_chain),
                       "arch/arm64/kernel/process.c", "kernel/time/hrtimer.c" },
};

static HsSymbolFile *kernel_sample;

/* The target's symbols, loaded once; NULL (the test skipped) when they are absent. */
static HsSymbolFile *
target_file (const Target *t)
{
  if (t->env == NULL)
    return load_vmlinux (TRUE);
  if (kernel_sample == NULL)
    kernel_sample = load_sample (t->env);
  return kernel_sample;
}

static void
build_chain (FakeMemory   *mem,
             const Target *t,
             Layout       *layout)
{
  build_layout (mem, target_file (t), 0, t->chain, t->n, layout);
  g_assert_false (layout->cfi[t->n - 1]);
}

/* Everything by CFI from the registers a sleeping task has; the last step, out of entry.S
 * which has no CFI, by the frame record. */
static void
test_sleeping_task (gconstpointer data)
{
  const Target *t = data;
  g_autofree FakeMemory *mem = fake_memory_new ();
  g_autoptr(GArray) frames = frames_new ();
  g_autofree char *reason = NULL;
  HsUnwindSymbols symbols = { target_file (t), 0 };
  Layout layout;

  if (symbols.file == NULL)
    return;
  guint64 expected[MAX_CHAIN][10];
  gboolean known[MAX_CHAIN][10];
  guint n_slots = 0;

  if (symbols.file == NULL)
    return;
  build_chain (mem, t, &layout);
  keep_only_cpu_context (&layout.regs);

  /* Each callee-saved register a frame's row saves gets a value of its own in its slot; the
   * others are passed up unchanged. */
  for (guint r = 19; r < 29; r++)
    {
      expected[0][r - 19] = layout.regs.x[r];
      known[0][r - 19] = TRUE;
    }
  for (guint i = 0; i + 1 < t->n; i++)
    {
      HsFrameRule rule;

      g_assert_true (hs_symbol_file_get_frame_rule (symbols.file, layout.pc[i] - (i > 0 ? 4 : 0),
                                                    &rule, NULL));
      for (guint r = 19; r < 29; r++)
        {
          const HsRegRule *x = &rule.x[r];

          if (x->kind == HS_REG_RULE_OFFSET)
            {
              expected[i + 1][r - 19] = G_GUINT64_CONSTANT (0xc0de000000000000) | (i << 8) | r;
              known[i + 1][r - 19] = TRUE;
              put_u64 (mem, layout.sp[i + 1] + x->offset, expected[i + 1][r - 19]);
              n_slots++;
            }
          else
            {
              g_assert_cmpuint (x->kind, ==, HS_REG_RULE_SAME_VALUE);
              expected[i + 1][r - 19] = expected[i][r - 19];
              known[i + 1][r - 19] = known[i][r - 19];
            }
        }
    }
  /* -O2 code keeps values across calls in x19 and up: the sample must exercise the slots. */
  g_assert_cmpuint (n_slots, >, 0);

  reason = unwind_layout (mem, &layout, &symbols, 1, mem->base, mem->base + STACK_SIZE, 64,
                          frames);
  g_assert_cmpstr (reason, ==, "end of the frame chain");
  g_assert_cmpuint (frames->len, ==, t->n);
  assert_frame (frames, 0, &layout, t->chain, symbols.file, 0, HS_FRAME_LIVE);
  for (guint i = 1; i < t->n; i++)
    assert_frame (frames, i, &layout, t->chain, symbols.file, 0, HS_FRAME_CFI);
  for (guint i = 0; i < t->n; i++)
    for (guint r = 19; r < 29; r++)
      {
        const HsFrame *frame = frame_at (frames, i);

        g_assert_cmpint (frame->regs.x_valid[r], ==, known[i][r - 19]);
        if (known[i][r - 19])
          g_assert_cmphex (frame->regs.x[r], ==, expected[i][r - 19]);
      }

  g_assert_true (g_str_has_suffix (frame_at (frames, 0)->file, t->switch_file));
  g_assert_true (g_str_has_suffix (frame_at (frames, 3)->file, t->sleep_file));
  /* One 16-byte read per frame record, the last one {0, 0}, and one per callee-saved slot. */
  g_assert_cmpuint (mem->n_reads, ==, t->n + n_slots);
}

/* Only pc and fp: frame 1 by the frame record, then CFI again with the CFA found from x29
 * (and each frame's sp with it). */
static void
test_vmlinux_frame_pointers (void)
{
  const Call *nanosleep_chain = vmlinux_chain;
  guint N_NANOSLEEP = G_N_ELEMENTS (vmlinux_chain);
  g_autofree FakeMemory *mem = fake_memory_new ();
  g_autoptr(GArray) frames = frames_new ();
  g_autofree char *reason = NULL;
  HsUnwindSymbols symbols = { load_vmlinux (TRUE), 0 };
  Layout layout;

  if (symbols.file == NULL)
    return;
  build_chain (mem, &targets[TARGET_VMLINUX], &layout);
  memset (layout.regs.x_valid, 0, sizeof layout.regs.x_valid);
  layout.regs.x_valid[29] = TRUE;
  layout.regs.have_sp = FALSE;

  reason = unwind_layout (mem, &layout, &symbols, 1, 0, 0, 64, frames);
  g_assert_cmpstr (reason, ==, "end of the frame chain");
  g_assert_cmpuint (frames->len, ==, N_NANOSLEEP);
  for (guint i = 0; i < N_NANOSLEEP; i++)
    assert_frame (frames, i, &layout, nanosleep_chain, vmlinux, 0,
                  i == 0 ? HS_FRAME_LIVE : i == 1 ? HS_FRAME_FP : HS_FRAME_CFI);

  /* Frame 0's sp stays unknown; frame 1's too, as __schedule's CFA is x29-based; the others'
   * are the CFAs of their callees (assert_frame() checked them). */
  g_assert_false (frame_at (frames, 0)->regs.have_sp);
  g_assert_false (frame_at (frames, 1)->regs.have_sp);
}

/* Stopped at schedule's first instruction: CFI says lr and fp are still the caller's. */
static void
test_vmlinux_function_entry (void)
{
  static const Call chain[] = {
    { "schedule", NULL, 0 },
    { "do_nanosleep", "schedule" },
    { "hrtimer_nanosleep", "do_nanosleep" },
    { "__arm64_sys_nanosleep", "hrtimer_nanosleep" },
  };
  g_autofree FakeMemory *mem = fake_memory_new ();
  g_autoptr(GArray) frames = frames_new ();
  g_autofree char *reason = NULL;
  HsUnwindSymbols symbols = { load_vmlinux (TRUE), 0 };
  Layout layout;

  if (symbols.file == NULL)
    return;
  build_layout (mem, vmlinux, 0, chain, G_N_ELEMENTS (chain), &layout);
  g_assert_cmphex (layout.fp[0], ==, layout.fp[1]);

  reason = unwind_layout (mem, &layout, &symbols, 1, mem->base, mem->base + STACK_SIZE, 0,
                          frames);
  g_assert_cmpstr (reason, ==, "end of the frame chain");
  g_assert_cmpuint (frames->len, ==, G_N_ELEMENTS (chain));
  for (guint i = 0; i < G_N_ELEMENTS (chain); i++)
    assert_frame (frames, i, &layout, chain, vmlinux, 0, i == 0 ? HS_FRAME_LIVE : HS_FRAME_CFI);
  g_assert_cmphex (frame_at (frames, 0)->offset, ==, 0);
  g_assert_cmphex (frame_at (frames, 1)->sp, ==, layout.sp[0]);
  g_clear_pointer (&frames, g_array_unref);
  g_clear_pointer (&reason, g_free);

  /* Without lr, the record at x29 is do_nanosleep's: the chain skips it. */
  layout.regs.x_valid[30] = FALSE;
  frames = frames_new ();
  reason = unwind_layout (mem, &layout, &symbols, 1, 0, 0, 0, frames);
  g_assert_cmpstr (reason, ==, "end of the frame chain");
  g_assert_cmpuint (frames->len, ==, G_N_ELEMENTS (chain) - 1);
  g_assert_cmpstr (frame_at (frames, 1)->function, ==, "hrtimer_nanosleep");
  g_assert_cmpuint (frame_at (frames, 1)->method, ==, HS_FRAME_FP);
  g_assert_cmpstr (frame_at (frames, 2)->function, ==, "__arm64_sys_nanosleep");
  g_assert_cmpuint (frame_at (frames, 2)->method, ==, HS_FRAME_CFI);
  /* Its sp, unknown after a frame record, follows from the CFA that x29 gave: the row at
   * hrtimer_nanosleep's call says CFA = sp + 128. */
  g_assert_true (frame_at (frames, 1)->regs.have_sp);
  g_assert_cmphex (frame_at (frames, 1)->sp, ==, layout.sp[2]);
}

/* The stop reasons, on the nanosleep stack walked from pc and fp only (frame 1 by its frame
 * record, the CFA of the others found from x29 until sp is known), and walked from a sleeping
 * task's registers (CFI): a corrupt frame pointer stops both the same way. */
typedef enum
{
  BREAK_END,            /* frame 5's caller's fp is 0 */
  BREAK_LOOP,           /* frame 5's caller's fp points back at frame 2's record */
  BREAK_SAME,           /* frame 3's caller's fp is frame 3's own */
  BREAK_MISALIGNED,     /* frame 2's caller's fp is off by 4 */
  BREAK_UNREADABLE,     /* frame 0's record cannot be read */
  BREAK_UNREADABLE_CFI, /* frame 4's record cannot be read, the CFA found from x29 */
  BREAK_BOUNDS,         /* the stack ends inside frame 4's record */
  BREAK_BOUNDS_CFI,     /* the same with sp known: the CFA leaves the stack */
  BREAK_MAX_FRAMES,     /* max_frames 3 */
  BREAK_OUTSIDE_TEXT,   /* frame 2's return address is in no symbol */
  BREAK_PC_ZERO,        /* frame 6's return address is 0 */
} Break;

#define STOP_WITH_CPU_CONTEXT 0x100

#define STOP_TARGET_SHIFT 16

static void
test_stop (gconstpointer data)
{
  const Target *t = &targets[GPOINTER_TO_UINT (data) >> STOP_TARGET_SHIFT];
  Break what = GPOINTER_TO_UINT (data) & 0xff;
  gboolean cpu_context = (GPOINTER_TO_UINT (data) & STOP_WITH_CPU_CONTEXT) != 0;
  g_autofree FakeMemory *mem = fake_memory_new ();
  g_autoptr(GArray) frames = frames_new ();
  g_autofree char *reason = NULL;
  g_autofree char *expected = NULL;
  HsUnwindSymbols symbols = { target_file (t), 0 };
  guint64 low = 0, high = 0;
  guint max_frames = 64, n_frames = 0;
  Layout layout;

  if (symbols.file == NULL)
    return;
  build_chain (mem, t, &layout);
  if (cpu_context)
    keep_only_cpu_context (&layout.regs);
  else
    {
      memset (layout.regs.x_valid, 0, sizeof layout.regs.x_valid);
      layout.regs.x_valid[29] = TRUE;
      layout.regs.have_sp = FALSE;
    }

  switch (what)
    {
    case BREAK_END:
      put_u64 (mem, layout.record[5], 0);
      expected = g_strdup ("end of the frame chain");
      n_frames = 7;
      break;
    case BREAK_LOOP:
      put_u64 (mem, layout.record[5], layout.fp[2]);
      expected = g_strdup_printf ("fp 0x%" G_GINT64_MODIFIER "x is not above the previous "
                                  "frame's (0x%" G_GINT64_MODIFIER "x)", layout.fp[2],
                                  layout.fp[5]);
      n_frames = 7;
      break;
    case BREAK_SAME:
      put_u64 (mem, layout.record[3], layout.fp[3]);
      expected = g_strdup_printf ("fp 0x%" G_GINT64_MODIFIER "x is not above the previous "
                                  "frame's (0x%" G_GINT64_MODIFIER "x)", layout.fp[3],
                                  layout.fp[3]);
      n_frames = 5;
      break;
    case BREAK_MISALIGNED:
      put_u64 (mem, layout.record[2], layout.fp[3] + 4);
      expected = g_strdup_printf ("fp 0x%" G_GINT64_MODIFIER "x is misaligned",
                                  layout.fp[3] + 4);
      n_frames = 4;
      break;
    case BREAK_UNREADABLE:
      mem->fail_at = layout.record[0] + 8;
      expected = g_strdup_printf ("cannot read the frame record at 0x%" G_GINT64_MODIFIER
                                  "x: stage-1 fault at 0x%" G_GINT64_MODIFIER "x",
                                  layout.record[0], mem->fail_at);
      n_frames = 1;
      break;
    case BREAK_UNREADABLE_CFI:
      mem->fail_at = layout.record[4];
      expected = g_strdup_printf ("cannot read the frame record at 0x%" G_GINT64_MODIFIER
                                  "x: stage-1 fault at 0x%" G_GINT64_MODIFIER "x",
                                  layout.record[4], mem->fail_at);
      n_frames = 5;
      break;
    case BREAK_BOUNDS:
      low = mem->base;
      high = layout.record[4] + 8;
      expected = g_strdup_printf ("fp 0x%" G_GINT64_MODIFIER "x is outside the stack "
                                  "[0x%" G_GINT64_MODIFIER "x, 0x%" G_GINT64_MODIFIER "x)",
                                  layout.fp[4], low, high);
      n_frames = 5;
      break;
    case BREAK_BOUNDS_CFI:
      layout.regs.have_sp = TRUE;
      low = mem->base;
      high = layout.sp[4] - 16;
      expected = g_strdup_printf ("CFA 0x%" G_GINT64_MODIFIER "x is outside the stack "
                                  "[0x%" G_GINT64_MODIFIER "x, 0x%" G_GINT64_MODIFIER "x)",
                                  layout.sp[4], low, high);
      n_frames = 4;
      break;
    case BREAK_MAX_FRAMES:
      max_frames = 3;
      expected = g_strdup ("reached the limit of 3 frames");
      n_frames = 3;
      break;
    case BREAK_OUTSIDE_TEXT:
      put_u64 (mem, layout.record[2] + 8, 0x1234);
      expected = g_strdup ("pc 0x1234 is outside every symbol file's text");
      n_frames = 3;
      break;
    case BREAK_PC_ZERO:
      put_u64 (mem, layout.record[6] + 8, 0);
      expected = g_strdup ("end of the frame chain");
      n_frames = 7;
      break;
    default:
      g_assert_not_reached ();
    }

  reason = unwind_layout (mem, &layout, &symbols, 1, low, high, max_frames, frames);
  g_assert_cmpstr (reason, ==, expected);
  g_assert_cmpuint (frames->len, ==, n_frames);
  for (guint i = 0; i < n_frames; i++)
    g_assert_cmpstr (frame_at (frames, i)->function, ==, t->chain[i].function);
  if (what == BREAK_END)
    g_assert_cmphex (frame_at (frames, 6)->fp, ==, 0);
}

/* A cancelled read aborts with the error; the frames found so far stay. */
static void
test_cancelled (gconstpointer data)
{
  const Target *t = data;
  g_autofree FakeMemory *mem = fake_memory_new ();
  g_autoptr(GArray) frames = frames_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *reason = NULL;
  HsUnwindSymbols symbols = { target_file (t), 0 };
  Layout layout;

  if (symbols.file == NULL)
    return;
  build_chain (mem, t, &layout);
  mem->cancel_at = layout.record[2];
  g_assert_false (hs_unwind (&layout.regs, &symbols, 1, 0, 0, fake_read, mem, 0, frames,
                             &reason, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (reason);
  g_assert_cmpuint (frames->len, ==, 3);
}

static void
test_chain_format (gconstpointer data)
{
  const Target *t = data;
  g_autofree FakeMemory *mem = fake_memory_new ();
  g_autoptr(GArray) frames = frames_new ();
  g_autofree char *reason = NULL;
  g_autofree char *line = NULL;
  g_autofree char *expected = NULL;
  HsUnwindSymbols symbols = { target_file (t), 0 };
  const HsFrame *frame;
  Layout layout;

  if (symbols.file == NULL)
    return;
  build_chain (mem, t, &layout);
  reason = unwind_layout (mem, &layout, &symbols, 1, 0, 0, 0, frames);
  frame = frame_at (frames, 3);
  line = hs_frame_format (frame, "2:::");
  expected = g_strdup_printf ("#3  2:::0x%016" G_GINT64_MODIFIER "x do_nanosleep+0x%"
                              G_GINT64_MODIFIER "x (%s:%u)", layout.pc[3], frame->offset,
                              frame->file, frame->line);
  g_assert_cmpstr (line, ==, expected);
  g_assert_true (g_str_has_suffix (frame->file, t->sleep_file));
}

/* ------------------------------------------------------------------------------------------ */
/* unwind-sample.c                                                                             */

/* c() is a leaf: the CFI row at c+8 has CFA = sp + 32 and x29, x30 still the caller's. */
static const Call sample_chain[] = {
  { "c", NULL, 8 },
  { "b", "c" },
  { "a", "b" },
  { "main", "a" },
};
#define N_SAMPLE G_N_ELEMENTS (sample_chain)

static void
test_sample_cfi (gconstpointer data)
{
  g_autoptr(HsSymbolFile) file = load_sample (data);
  g_autofree FakeMemory *mem = fake_memory_new ();
  g_autoptr(GArray) frames = frames_new ();
  g_autofree char *reason = NULL;
  HsUnwindSymbols symbols[2] = { { NULL, 0 }, { NULL, 0 } };
  Layout layout;

  if (file == NULL)
    return;
  build_layout (mem, file, 0, sample_chain, N_SAMPLE, &layout);
  for (guint i = 0; i < N_SAMPLE; i++)
    g_assert_true (layout.cfi[i]);
  g_assert_cmphex (layout.fp[0], ==, layout.fp[1]);   /* the leaf has no frame record */

  /* The vmlinux first, when there is one: the unwinder must pass over it to the sample. */
  symbols[0].file = load_vmlinux (FALSE);
  symbols[1].file = file;
  reason = unwind_layout (mem, &layout, vmlinux != NULL ? symbols : symbols + 1,
                          vmlinux != NULL ? 2 : 1, mem->base, mem->base + STACK_SIZE, 64,
                          frames);
  g_assert_cmpstr (reason, ==, "end of the frame chain");
  g_assert_cmpuint (frames->len, ==, N_SAMPLE);
  for (guint i = 0; i < N_SAMPLE; i++)
    assert_frame (frames, i, &layout, sample_chain, file, 0,
                  i == 0 ? HS_FRAME_LIVE : HS_FRAME_CFI);
  g_assert_true (g_str_has_suffix (frame_at (frames, 1)->file, "unwind-sample.c"));
}

/* The same at run-time addresses 0x10000000 above the link-time ones. */
static void
test_sample_load_offset (void)
{
  g_autoptr(HsSymbolFile) file = load_sample ("HS_UNWIND_SAMPLE_DEBUG_FRAME");
  g_autofree FakeMemory *mem = fake_memory_new ();
  g_autoptr(GArray) frames = frames_new ();
  g_autofree char *reason = NULL;
  HsUnwindSymbols symbols = { NULL, 0x10000000 };
  Layout layout;

  if (file == NULL)
    return;
  symbols.file = file;
  build_layout (mem, file, symbols.offset, sample_chain, N_SAMPLE, &layout);
  reason = unwind_layout (mem, &layout, &symbols, 1, 0, 0, 64, frames);
  g_assert_cmpstr (reason, ==, "end of the frame chain");
  g_assert_cmpuint (frames->len, ==, N_SAMPLE);
  for (guint i = 0; i < N_SAMPLE; i++)
    assert_frame (frames, i, &layout, sample_chain, file, symbols.offset,
                  i == 0 ? HS_FRAME_LIVE : HS_FRAME_CFI);
  g_clear_pointer (&frames, g_array_unref);
  g_clear_pointer (&reason, g_free);

  /* At the link-time offset nothing is the sample's: frame 0 alone, with no name. */
  symbols.offset = 0x20000000;
  frames = frames_new ();
  reason = unwind_layout (mem, &layout, &symbols, 1, 0, 0, 64, frames);
  g_assert_null (frame_at (frames, 0)->function);
  g_assert_true (g_str_has_suffix (reason, "is outside every symbol file's text"));
  g_assert_cmpuint (frames->len, ==, 1);
}

/* Without CFI: from inside the leaf c() the frame record at x29 is b()'s, which holds a()'s
 * return address, so b() is not seen (what any frame-pointer unwinder does); at c()'s first
 * instruction lr still holds the return address into b(). */
static void
test_sample_no_cfi (void)
{
  g_autoptr(HsSymbolFile) with_cfi = load_sample ("HS_UNWIND_SAMPLE_DEBUG_FRAME");
  g_autoptr(HsSymbolFile) file = load_sample ("HS_UNWIND_SAMPLE_NO_CFI");
  static const Call at_entry[] = { { "c", NULL, 0 }, { "b", "c" }, { "a", "b" }, { "main", "a" } };
  g_autofree FakeMemory *mem = fake_memory_new ();
  g_autoptr(GArray) frames = frames_new ();
  g_autofree char *reason = NULL;
  HsUnwindSymbols symbols = { NULL, 0 };
  Layout layout;

  if (file == NULL || with_cfi == NULL)
    return;
  g_assert_false (hs_symbol_file_has_dwarf (file));
  /* The same code: the stack is laid out from the other build's CFI. */
  for (guint i = 0; i < N_SAMPLE; i++)
    g_assert_cmphex (lookup (file, sample_chain[i].function).address, ==,
                     lookup (with_cfi, sample_chain[i].function).address);
  symbols.file = file;

  build_layout (mem, with_cfi, 0, sample_chain, N_SAMPLE, &layout);
  reason = unwind_layout (mem, &layout, &symbols, 1, 0, 0, 64, frames);
  g_assert_cmpstr (reason, ==, "end of the frame chain");
  g_assert_cmpuint (frames->len, ==, 3);
  assert_frame (frames, 0, &layout, sample_chain, file, 0, HS_FRAME_LIVE);
  g_assert_cmpstr (frame_at (frames, 1)->function, ==, "a");
  g_assert_cmphex (frame_at (frames, 1)->pc, ==, layout.pc[2]);
  g_assert_cmpuint (frame_at (frames, 1)->method, ==, HS_FRAME_FP);
  g_assert_cmpstr (frame_at (frames, 2)->function, ==, "main");
  g_assert_cmpuint (frame_at (frames, 2)->method, ==, HS_FRAME_FP);
  g_assert_false (frame_at (frames, 2)->regs.have_sp);
  g_clear_pointer (&frames, g_array_unref);
  g_clear_pointer (&reason, g_free);

  memset (mem->data, 0, sizeof mem->data);
  build_layout (mem, with_cfi, 0, at_entry, G_N_ELEMENTS (at_entry), &layout);
  frames = frames_new ();
  reason = unwind_layout (mem, &layout, &symbols, 1, 0, 0, 64, frames);
  g_assert_cmpstr (reason, ==, "end of the frame chain");
  g_assert_cmpuint (frames->len, ==, G_N_ELEMENTS (at_entry));
  assert_frame (frames, 0, &layout, at_entry, file, 0, HS_FRAME_LIVE);
  assert_frame (frames, 1, &layout, at_entry, file, 0, HS_FRAME_LR);
  assert_frame (frames, 2, &layout, at_entry, file, 0, HS_FRAME_FP);
  assert_frame (frames, 3, &layout, at_entry, file, 0, HS_FRAME_FP);
  g_assert_cmphex (frame_at (frames, 1)->sp, ==, layout.sp[0]);
}

/* ------------------------------------------------------------------------------------------ */
/* Without symbols, arguments, formatting, hostile memory                                     */

/* No symbol files: a plain frame-record walk, no text check, no names. */
static void
test_no_symbols (void)
{
  g_autofree FakeMemory *mem = fake_memory_new ();
  g_autoptr(GArray) frames = frames_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *line = NULL;
  HsUnwindRegs regs = { 0 };
  guint64 fp = mem->base + 0x100;

  for (guint i = 0; i < 5; i++, fp += 0x40)
    {
      put_u64 (mem, fp, i < 4 ? fp + 0x40 : 0);
      put_u64 (mem, fp + 8, 0x1000 + i * 0x10);
    }
  regs.pc = 0x2000;
  regs.have_pc = TRUE;
  regs.x[29] = mem->base + 0x100;
  regs.x_valid[29] = TRUE;

  g_assert_true (hs_unwind (&regs, NULL, 0, 0, 0, fake_read, mem, 0, frames, &reason, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (reason, ==, "end of the frame chain");
  g_assert_cmpuint (frames->len, ==, 6);
  for (guint i = 1; i < 6; i++)
    {
      g_assert_cmphex (frame_at (frames, i)->pc, ==, 0x1000 + (i - 1) * 0x10);
      g_assert_cmpuint (frame_at (frames, i)->method, ==, HS_FRAME_FP);
      g_assert_null (frame_at (frames, i)->function);
    }
  line = hs_frame_format (frame_at (frames, 2), NULL);
  g_assert_cmpstr (line, ==, "#2  0x0000000000001010");
}

static void
test_invalid (void)
{
  g_autofree FakeMemory *mem = fake_memory_new ();
  g_autoptr(GArray) frames = frames_new ();
  g_autoptr(GError) error = NULL;
  char *reason = (char *) "unset";
  HsUnwindRegs regs = { 0 };

  /* No pc: an error, and nothing in @frames. */
  regs.x[29] = mem->base;
  regs.x_valid[29] = TRUE;
  g_assert_false (hs_unwind (&regs, NULL, 0, 0, 0, fake_read, mem, 0, frames, &reason,
                             &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_null (reason);
  g_assert_cmpuint (frames->len, ==, 0);
  g_clear_error (&error);

  /* No x29, no CFI: frame 0 alone. */
  regs.pc = 0x1000;
  regs.have_pc = TRUE;
  regs.x_valid[29] = FALSE;
  g_assert_true (hs_unwind (&regs, NULL, 0, 0, 0, fake_read, mem, 0, frames, &reason,
                            &error));
  g_assert_no_error (error);
  g_assert_cmpstr (reason, ==, "x29 is unknown in frame 0: cannot follow the frame chain");
  g_assert_cmpuint (frames->len, ==, 1);
  g_free (reason);

  /* An fp at the very top of the address space must not wrap. */
  regs.x[29] = G_GUINT64_CONSTANT (0xfffffffffffffff8);
  regs.x_valid[29] = TRUE;
  g_array_set_size (frames, 0);
  g_assert_true (hs_unwind (&regs, NULL, 0, 0, 0, fake_read, mem, 0, frames, &reason,
                            &error));
  g_assert_no_error (error);
  g_assert_cmpstr (reason, ==, "fp 0xfffffffffffffff8 is at the top of the address space");
  g_assert_cmpuint (mem->n_reads, ==, 0);
  g_free (reason);
}

static void
test_format (void)
{
  g_auto(HsFrame) frame = { 0 };
  g_autofree char *full = NULL;
  g_autofree char *bare = NULL;
  g_autofree char *no_line = NULL;

  frame.level = 2;
  frame.pc = G_GUINT64_CONSTANT (0xffff800008b8f1c0);
  frame.function = g_strdup ("schedule");
  frame.offset = 0x40;
  frame.file = g_strdup ("kernel/sched/core.c");
  frame.line = 6554;
  full = hs_frame_format (&frame, NULL);
  g_assert_cmpstr (full, ==, "#2  0xffff800008b8f1c0 schedule+0x40 (kernel/sched/core.c:6554)");

  frame.line = 0;
  no_line = hs_frame_format (&frame, "2:::");
  g_assert_cmpstr (no_line, ==, "#2  2:::0xffff800008b8f1c0 schedule+0x40 (kernel/sched/core.c)");

  hs_frame_clear (&frame);
  g_assert_null (frame.function);
  frame.level = 12;
  frame.pc = 0x400144;
  bare = hs_frame_format (&frame, NULL);
  g_assert_cmpstr (bare, ==, "#12 0x0000000000400144");

  g_assert_cmpstr (hs_frame_method_to_string (HS_FRAME_LIVE), ==, "live");
  g_assert_cmpstr (hs_frame_method_to_string (HS_FRAME_CFI), ==, "cfi");
  g_assert_cmpstr (hs_frame_method_to_string (HS_FRAME_FP), ==, "fp");
  g_assert_cmpstr (hs_frame_method_to_string (HS_FRAME_LR), ==, "lr");
}

/* Random stacks full of pointers into the stack and into the sample's code: the walk must
 * always end, within max_frames, with a reason, and read only a little. */
static void
test_hostile (void)
{
  g_autoptr(HsSymbolFile) file = load_sample ("HS_UNWIND_SAMPLE_DEBUG_FRAME");
  g_autofree FakeMemory *mem = fake_memory_new ();
  HsUnwindSymbols symbols = { NULL, 0 };
  GRand *rand = g_rand_new_with_seed (0x5eed);
  guint64 text_start, text_end;

  if (file == NULL)
    {
      g_rand_free (rand);
      return;
    }
  symbols.file = file;
  text_start = lookup (file, "c").address;
  text_end = lookup (file, "main").address + lookup (file, "main").size;

  for (guint round = 0; round < 300; round++)
    {
      g_autoptr(GArray) frames = frames_new ();
      g_autoptr(GError) error = NULL;
      g_autofree char *reason = NULL;
      HsUnwindRegs regs = { 0 };
      guint max_frames = 1 + g_rand_int_range (rand, 0, 40);
      gboolean bounded = g_rand_boolean (rand);

      for (guint64 at = mem->base; at < mem->base + STACK_SIZE; at += 8)
        {
          guint choice = g_rand_int_range (rand, 0, 4);
          guint64 value;

          if (choice == 0)
            value = mem->base + (g_rand_int_range (rand, 0, STACK_SIZE) & ~(guint64) 7);
          else if (choice == 1)
            value = text_start + (g_rand_int_range (rand, 0, text_end - text_start) & ~3u);
          else if (choice == 2)
            value = at + 16 * g_rand_int_range (rand, -4, 8);
          else
            value = ((guint64) g_rand_int (rand) << 32) | g_rand_int (rand);
          put_u64 (mem, at, value);
        }
      regs.pc = text_start + (g_rand_int_range (rand, 0, text_end - text_start) & ~3u);
      regs.sp = mem->base + 16 * g_rand_int_range (rand, 0, STACK_SIZE / 16);
      regs.x[29] = mem->base + 8 * g_rand_int_range (rand, 0, STACK_SIZE / 8);
      regs.x[30] = text_start + (g_rand_int_range (rand, 0, text_end - text_start) & ~3u);
      regs.have_pc = TRUE;
      regs.have_sp = g_rand_boolean (rand);
      regs.x_valid[29] = regs.x_valid[30] = TRUE;
      mem->n_reads = 0;
      mem->fail_at = g_rand_boolean (rand) ? mem->base + g_rand_int_range (rand, 0, STACK_SIZE)
                                           : 0;

      g_assert_true (hs_unwind (&regs, &symbols, 1, bounded ? mem->base : 0,
                                bounded ? mem->base + STACK_SIZE : 0, fake_read, mem,
                                max_frames, frames, &reason, &error));
      g_assert_no_error (error);
      g_assert_nonnull (reason);
      g_assert_cmpuint (frames->len, >=, 1);
      g_assert_cmpuint (frames->len, <=, max_frames);
      /* Two for the frame record, ten for x19..x28. */
      g_assert_cmpuint (mem->n_reads, <=, 12 * frames->len);
      for (guint i = 1; i < frames->len; i++)
        {
          g_assert_nonnull (frame_at (frames, i)->function);
          g_assert_cmpuint (frame_at (frames, i)->pc, !=, 0);
        }
    }
  g_rand_free (rand);
}

int
main (int   argc,
      char *argv[])
{
  static const struct { const char *name; Break what; } stops[] = {
    { "end-fp-zero", BREAK_END },
    { "end-pc-zero", BREAK_PC_ZERO },
    { "loop", BREAK_LOOP },
    { "not-increasing", BREAK_SAME },
    { "misaligned", BREAK_MISALIGNED },
    { "unreadable", BREAK_UNREADABLE },
    { "unreadable-cfi", BREAK_UNREADABLE_CFI },
    { "stack-bounds", BREAK_BOUNDS },
    { "stack-bounds-cfi", BREAK_BOUNDS_CFI },
    { "max-frames", BREAK_MAX_FRAMES },
    { "outside-text", BREAK_OUTSIDE_TEXT },
  };
  int status;

  g_test_init (&argc, &argv, NULL);
  for (int i = 1; i < argc; i++)
    with_vmlinux |= g_strcmp0 (argv[i], "--vmlinux") == 0;

  g_test_add_func ("/Hs/Unwind/format", test_format);
  g_test_add_func ("/Hs/Unwind/invalid", test_invalid);
  g_test_add_func ("/Hs/Unwind/no-symbols", test_no_symbols);
  g_test_add_data_func ("/Hs/Unwind/sample/debug-frame", "HS_UNWIND_SAMPLE_DEBUG_FRAME",
                        test_sample_cfi);
  g_test_add_data_func ("/Hs/Unwind/sample/eh-frame", "HS_UNWIND_SAMPLE_EH_FRAME",
                        test_sample_cfi);
  g_test_add_func ("/Hs/Unwind/sample/load-offset", test_sample_load_offset);
  g_test_add_func ("/Hs/Unwind/sample/no-cfi", test_sample_no_cfi);
  g_test_add_func ("/Hs/Unwind/sample/hostile", test_hostile);
  /* The board's own kernel only where the board is built (the board tests pass --vmlinux). */
  for (guint k = 0; k < N_TARGETS; k++)
    {
      const Target *t = &targets[k];
      g_autofree char *base = g_strdup_printf ("/Hs/Unwind/%s", t->name);
      g_autofree char *sleeping = g_strconcat (base, "/sleeping-task", NULL);
      g_autofree char *cancelled = g_strconcat (base, "/cancelled", NULL);
      g_autofree char *format = g_strconcat (base, "/format", NULL);

      if (k == TARGET_VMLINUX && !with_vmlinux)
        continue;
      g_test_add_data_func (sleeping, t, test_sleeping_task);
      g_test_add_data_func (cancelled, t, test_cancelled);
      g_test_add_data_func (format, t, test_chain_format);
      for (guint i = 0; i < G_N_ELEMENTS (stops); i++)
        {
          g_autofree char *fp = g_strdup_printf ("%s/stop/fp/%s", base, stops[i].name);
          g_autofree char *cfi = g_strdup_printf ("%s/stop/cfi/%s", base, stops[i].name);
          guint what = stops[i].what | k << STOP_TARGET_SHIFT;

          g_test_add_data_func (fp, GUINT_TO_POINTER (what), test_stop);
          g_test_add_data_func (cfi, GUINT_TO_POINTER (what | STOP_WITH_CPU_CONTEXT),
                                test_stop);
        }
    }
  if (with_vmlinux)
    {
      g_test_add_func ("/Hs/Unwind/vmlinux/frame-pointers", test_vmlinux_frame_pointers);
      g_test_add_func ("/Hs/Unwind/vmlinux/function-entry", test_vmlinux_function_entry);
    }

  status = g_test_run ();
  g_clear_object (&vmlinux);
  g_clear_object (&kernel_sample);
  return status;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-target-tasks.c: a task's registers and stack, wherever they are at this halt, and writing them.
 *
 * Everything here runs on the target's worker thread (see hs-target-private.h).
 */
#define G_LOG_DOMAIN "hs-target"

#include "config.h"

#include "hs-target-private.h"

#include <string.h>

static const HsXenDomain *
worker_domain (HsTarget *self,
               guint     machine)
{
  for (guint i = 0; self->guests && i < self->guests->len; i++)
    if (g_array_index (self->guests, HsXenDomain, i).machine == machine)
      return &g_array_index (self->guests, HsXenDomain, i);
  return NULL;
}

static void
set_x (HsTaskRegisters *regs,
       guint            i,
       guint64          v)
{
  regs->x[i] = v;
  regs->x_valid[i] = TRUE;
}

/* pt_regs at the top of the kernel stack: what user space had when it entered the kernel. */
static void
read_user_regs (HsTarget           *self,
                const HsTaskRecord *rec,
                HsTaskRegisters    *regs)
{
  g_autoptr(GPtrArray) bindings = hs_symbol_scope_get_bindings (self->symbols, rec->machine);
  const HsLinuxLayout *layout;
  HsSymbolBinding *b;
  GuestReader reader = { self, rec->machine, FALSE };
  guint64 at, size, off_regs, off_sp, off_pc, off_pstate, fsize;
  g_autofree guint8 *buf = NULL;

  if (rec->info.kernel_thread || bindings->len == 0)
    return;
  b = g_ptr_array_index (bindings, 0);
  layout = g_hash_table_lookup (self->layouts, b->file);
  if (layout == NULL || !hs_linux_task_pt_regs (layout, &rec->info, &at, &size) || size > 4096
      || !hs_symbol_file_member (b->file, "pt_regs", "regs", &off_regs, &fsize, NULL)
      || fsize < 31 * 8
      || !hs_symbol_file_member (b->file, "pt_regs", "sp", &off_sp, &fsize, NULL)
      || !hs_symbol_file_member (b->file, "pt_regs", "pc", &off_pc, &fsize, NULL)
      || !hs_symbol_file_member (b->file, "pt_regs", "pstate", &off_pstate, &fsize, NULL))
    return;
  buf = g_malloc (size);
  if (!hs_target_read_guest (at, buf, size, &reader, NULL)
      || off_regs + 31 * 8 > size || off_sp + 8 > size || off_pc + 8 > size
      || off_pstate + 8 > size)
    return;
  for (guint i = 0; i < 31; i++)
    memcpy (&regs->user_x[i], buf + off_regs + 8 * i, 8);
  memcpy (&regs->user_sp, buf + off_sp, 8);
  memcpy (&regs->user_pc, buf + off_pc, 8);
  memcpy (&regs->user_pstate, buf + off_pstate, 8);
  regs->has_user = TRUE;
}

/* Worker: a task's registers, from wherever they are at this halt. */
static HsTaskRegisters *
compute_task_registers (HsTarget            *self,
                        const HsTaskRecord  *rec,
                        GError             **error)
{
  HsTaskRegisters *regs = g_new0 (HsTaskRegisters, 1);
  const HsXenDomain *dom = worker_domain (self, rec->machine);
  guint64 cpsr = 0;

  if (rec->core >= 0 && hs_target_get_register (self, rec->core, "cpsr", &cpsr)
      && ((cpsr >> 2) & 3) < 2)
    {
      /* On a halted core inside the guest: the core's own registers. */
      for (guint i = 0; i < 31; i++)
        {
          g_autofree char *name = g_strdup_printf ("x%u", i);
          guint64 v;

          if (hs_target_get_register (self, rec->core, name, &v))
            set_x (regs, i, v);
        }
      regs->sp_valid = hs_target_get_register (self, rec->core, "sp", &regs->sp);
      regs->pc_valid = hs_target_get_register (self, rec->core, "pc", &regs->pc);
      regs->cpsr = cpsr;
      regs->cpsr_valid = TRUE;
      regs->source = g_strdup_printf ("live registers of core %d", rec->core);
    }
  else if (rec->current_vcpu >= 0 && dom != NULL)
    {
      /* Current on a vCPU that no halted core runs (or that trapped into Xen): what Xen saved
       * of the guest when it last left it. */
      const HsXenVcpu *v = NULL;

      for (guint i = 0; i < dom->n_vcpu_info; i++)
        if ((gint) dom->vcpus[i].id == rec->current_vcpu)
          v = &dom->vcpus[i];
      if (v == NULL || !v->has_guest_regs)
        {
          hs_task_registers_free (regs);
          g_set_error (error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_FAILED,
                       "Xen holds no saved registers for vCPU %d of machine %u",
                       rec->current_vcpu, rec->machine);
          return NULL;
        }
      for (guint i = 0; i < 31; i++)
        set_x (regs, i, v->x[i]);
      regs->cpsr = v->cpsr;
      regs->cpsr_valid = TRUE;
      /* SP at the guest's own level: SP_EL1 in the kernel (SPSel set), SP_EL0 in user mode. */
      regs->sp = ((v->cpsr >> 2) & 3) == 1 && (v->cpsr & 1) ? v->sp_el1 : v->sp_el0;
      regs->sp_valid = TRUE;
      regs->pc = v->pc;
      regs->pc_valid = TRUE;
      regs->source = g_strdup_printf ("Xen's saved registers of vCPU %d (it is current there)",
                                      rec->current_vcpu);
    }
  else
    {
      /* Asleep: x19..x28, fp, sp and pc as __switch_to left them. */
      for (guint i = 0; i < 11; i++)
        set_x (regs, 19 + i, rec->info.cpu_context[i]);
      regs->sp = rec->info.cpu_context[11];
      regs->sp_valid = TRUE;
      regs->pc = rec->info.cpu_context[12];
      regs->pc_valid = TRUE;
      regs->source = g_strdup ("saved at its last switch (thread.cpu_context)");
    }
  read_user_regs (self, rec, regs);
  return regs;
}

void
hs_target_task_registers_job (gpointer  owner,
                              HsJob    *job)
{
  HsTarget *self = owner;
  TaskRequest *req = hs_job_get_data (job);
  GError *error = NULL;
  HsTaskRegisters *regs = compute_task_registers (self, &req->record, &error);

  if (regs == NULL)
    hs_job_return_error (job, error);
  else
    hs_job_return_pointer (job, regs, (GDestroyNotify) hs_task_registers_free);
}

/* Unwinds @start with @machine's symbols into a new FramesResult. */
static FramesResult *
unwind (HsTarget            *self,
        guint                machine,
        const HsUnwindRegs  *start,
        guint64              stack_low,
        guint64              stack_high,
        GError             **error)
{
  g_autoptr(GPtrArray) bindings = hs_symbol_scope_get_bindings (self->symbols, machine);
  g_autofree HsUnwindSymbols *symbols = g_new0 (HsUnwindSymbols, MAX (bindings->len, 1));
  FramesResult *result = g_new0 (FramesResult, 1);
  GuestReader reader = { self, machine, FALSE };

  for (guint i = 0; i < bindings->len; i++)
    {
      const HsSymbolBinding *b = g_ptr_array_index (bindings, i);

      symbols[i].file = b->file;
      symbols[i].offset = b->offset;
    }
  result->frames = g_array_new (FALSE, TRUE, sizeof (HsFrame));
  g_array_set_clear_func (result->frames, (GDestroyNotify) hs_frame_clear);
  if (!hs_unwind (start, symbols, bindings->len, stack_low, stack_high, hs_target_read_guest, &reader,
                  HS_UNWIND_DEFAULT_MAX_FRAMES, result->frames, &result->stop, error)
      || reader.lost)
    {
      if (error && *error == NULL)
        g_set_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_CONNECTION_LOST,
                     "lost the connection to the probe while unwinding");
      hs_frames_result_free (result);
      return NULL;
    }
  return result;
}

static FramesResult *
compute_frames (HsTarget            *self,
                const HsTaskRecord  *rec,
                GError             **error_out)
{
  HsUnwindRegs start = { 0 };
  guint64 stack_low = 0, stack_high = 0;
  FramesResult *result;
  GError *error = NULL;
  guint64 user_pc = 0, user_lr = 0, user_sp = 0;
  gboolean has_user = FALSE;

  if (rec->machine == 0)
    {
      /* Machine 0: a core's own stack in Xen, from its live registers (xen-syms has no CFI:
       * frame records it is). */
      for (guint i = 0; i < 31; i++)
        {
          g_autofree char *name = g_strdup_printf ("x%u", i);

          start.x_valid[i] = hs_target_get_register (self, rec->core, name, &start.x[i]);
        }
      start.have_sp = hs_target_get_register (self, rec->core, "sp", &start.sp);
      start.have_pc = hs_target_get_register (self, rec->core, "pc", &start.pc);
    }
  else
    {
      g_autoptr(GPtrArray) bindings = hs_symbol_scope_get_bindings (self->symbols, rec->machine);
      const HsLinuxLayout *layout = NULL;
      HsTaskRegisters *regs;

      /* The same registers Register.view shows are where the unwinding starts. */
      regs = compute_task_registers (self, rec, &error);
      if (regs == NULL)
        {
          g_propagate_error (error_out, error);
          return NULL;
        }
      for (guint i = 0; i < 31; i++)
        {
          start.x[i] = regs->x[i];
          start.x_valid[i] = regs->x_valid[i];
        }
      start.sp = regs->sp;
      start.have_sp = regs->sp_valid;
      start.pc = regs->pc;
      start.have_pc = regs->pc_valid;
      has_user = regs->has_user;
      user_pc = regs->user_pc;
      user_lr = regs->user_x[30];
      user_sp = regs->user_sp;
      hs_task_registers_free (regs);

      for (guint i = 0; i < bindings->len && layout == NULL; i++)
        layout = g_hash_table_lookup (self->layouts,
                                      ((const HsSymbolBinding *) g_ptr_array_index (bindings, i))->file);
      /* A sleeping task's frames stay inside its THREAD_SIZE kernel stack; a running one may
       * be on an IRQ stack, so it gets no bounds. */
      if (layout && rec->info.stack && hs_linux_layout_get_thread_size (layout)
          && rec->current_vcpu < 0)
        {
          stack_low = rec->info.stack;
          stack_high = rec->info.stack + hs_linux_layout_get_thread_size (layout);
        }
    }
  result = unwind (self, rec->machine, &start, stack_low, stack_high, &error);
  if (result == NULL)
    {
      g_propagate_error (error_out, error);
      return NULL;
    }
  /* Below the kernel's frames, where user space entered it (pt_regs): its pc and lr. User
   * programs bring no symbols here, so the user stack is not walked further. */
  if (has_user && rec->machine != 0)
    {
      guint level = result->frames->len;
      HsFrame pc = { 0 }, lr = { 0 };

      pc.level = level;
      pc.pc = user_pc;
      pc.sp = user_sp;
      pc.method = HS_FRAME_LIVE;
      pc.file = g_strdup_printf ("user space of process %d, from pt_regs; no symbols",
                                 rec->info.tgid);
      g_array_append_val (result->frames, pc);
      lr.level = level + 1;
      lr.pc = user_lr;
      lr.method = HS_FRAME_LR;
      lr.file = g_strdup ("user space: its lr");
      g_array_append_val (result->frames, lr);
    }
  return result;
}

void
hs_target_task_frames_job (gpointer  owner,
                           HsJob    *job)
{
  TaskRequest *req = hs_job_get_data (job);
  GError *error = NULL;
  FramesResult *result = compute_frames (owner, &req->record, &error);

  if (result == NULL)
    hs_job_return_error (job, error);
  else
    hs_job_return_pointer (job, result, (GDestroyNotify) hs_frames_result_free);
}

/* The frames, and then every frame's parameters and locals. */
void
hs_target_task_locals_job (gpointer  owner,
                           HsJob    *job)
{
  TaskRequest *req = hs_job_get_data (job);
  GError *error = NULL;
  FramesResult *result = compute_frames (owner, &req->record, &error);

  if (result == NULL)
    {
      hs_job_return_error (job, error);
      return;
    }
  hs_target_frame_locals (owner, req->record.machine, result);
  hs_job_return_pointer (job, result, (GDestroyNotify) hs_frames_result_free);
}


/* x19..x28, fp (x29), sp, pc: what __switch_to saves, in thread.cpu_context order. */
static gint
cpu_context_slot (const char *name)
{
  guint64 n;

  if (g_ascii_strcasecmp (name, "fp") == 0 || g_ascii_strcasecmp (name, "x29") == 0)
    return 10;
  if (g_ascii_strcasecmp (name, "sp") == 0)
    return 11;
  if (g_ascii_strcasecmp (name, "pc") == 0)
    return 12;
  if ((name[0] == 'x' || name[0] == 'X') && g_ascii_string_to_unsigned (name + 1, 10, 19, 28, &n,
                                                                         NULL))
    return (gint) n - 19;
  return -1;
}

static gboolean
write_and_read_back (HsTarget  *self,
                     guint      machine,
                     guint64    va,
                     guint64    value,
                     guint64    size,
                     guint64   *read_back,
                     GError   **error)
{
  guint8 buf[8];
  guint64 back = 0;

  if (size == 0 || size > 8)
    {
      g_set_error (error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_FAILED,
                   "the saved register is %" G_GUINT64_FORMAT " bytes wide", size);
      return FALSE;
    }
  value = GUINT64_TO_LE (value);
  memcpy (buf, &value, 8);
  if (!hs_target_write_virtual (self, machine, va, buf, size, error)
      || !hs_target_read_virtual (self, machine, va, &back, size, error))
    return FALSE;
  *read_back = GUINT64_FROM_LE (back);
  return TRUE;
}

void
hs_target_write_task_register_job (gpointer  owner,
                                   HsJob    *job)
{
  HsTarget *self = owner;
  WriteRequest *req = hs_job_get_data (job);
  const HsTaskRecord *rec = &req->record;
  const HsXenDomain *dom = worker_domain (self, rec->machine);
  WriteResult *r = g_new0 (WriteResult, 1);
  GError *error = NULL;
  guint64 cpsr = 0;

  r->context_index = -1;
  r->vcpu = -1;
  if (rec->core >= 0 && hs_target_get_register (self, rec->core, "cpsr", &cpsr)
      && ((cpsr >> 2) & 3) < 2)
    {
      /* Running on a halted core: the core's own register. */
      gint index = hs_target_lookup_register (self, req->name);

      if (index < 0 || !hs_probe_write_register (self->probe, rec->core, index, req->value, &error))
        goto fail;
      self->values[(gsize) rec->core * self->register_infos->len + index] = req->value;
      hs_target_forget_translations (self);
      r->read_back = req->value;
      r->where = g_strdup_printf ("core %d (the task runs there)", rec->core);
    }
  else if (rec->current_vcpu >= 0 && dom != NULL)
    {
      /* Current on a vCPU no core runs: what Xen will restore when it runs it again. */
      g_autoptr(GPtrArray) xen = hs_symbol_scope_get_bindings (self->symbols, 0);
      HsXenVcpu *v = NULL;
      const char *member;
      guint64 off, size;
      g_autofree char *lower = g_ascii_strdown (req->name, -1);

      for (guint i = 0; i < dom->n_vcpu_info; i++)
        if ((gint) dom->vcpus[i].id == rec->current_vcpu)
          v = (HsXenVcpu *) &dom->vcpus[i];
      if (v == NULL || !v->has_guest_regs || v->regs_va == 0 || xen->len == 0)
        {
          g_set_error (&error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_FAILED,
                       "Xen's saved registers of vCPU %d are not known", rec->current_vcpu);
          goto fail;
        }
      if (g_str_equal (lower, "x29"))
        member = "fp";
      else if (g_str_equal (lower, "x30"))
        member = "lr";
      else if (g_str_equal (lower, "sp"))
        member = ((v->cpsr >> 2) & 3) == 1 && (v->cpsr & 1) ? "sp_el1" : "sp_el0";
      else
        member = lower;
      if (!hs_symbol_file_member (((HsSymbolBinding *) g_ptr_array_index (xen, 0))->file,
                                  "cpu_user_regs", member, &off, &size, &error)
          || !write_and_read_back (self, 0, v->regs_va + off, req->value, size, &r->read_back,
                                   &error))
        goto fail;
      /* Later jobs (Register.view /TASK) read the worker's copy. */
      hs_xen_vcpu_set_saved (v, member, r->read_back);
      r->vcpu = rec->current_vcpu;
      r->vcpu_field = g_strdup (member);
      r->where = g_strdup_printf ("Xen's saved registers of vCPU %d (restored when it runs)",
                                  rec->current_vcpu);
    }
  else
    {
      /* Asleep: the slot of thread.cpu_context that __switch_to restores. */
      g_autoptr(GPtrArray) bindings = hs_symbol_scope_get_bindings (self->symbols, rec->machine);
      const HsSymbolBinding *b = hs_target_kernel_binding (bindings);
      const HsLinuxLayout *layout;
      gint slot = cpu_context_slot (req->name);

      if (slot < 0)
        {
          g_set_error (&error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_FAILED,
                       "a sleeping task keeps only x19-x28, fp, sp and pc (thread.cpu_context); "
                       "%s is not saved anywhere", req->name);
          goto fail;
        }
      if (b == NULL || (layout = hs_target_layout_for (self, b->file, TRUE, &error)) == NULL
          || layout->cpu_context[slot].size == 0)
        {
          if (error == NULL)
            g_set_error (&error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_NO_SYMBOLS,
                         "machine %u's vmlinux does not describe thread.cpu_context",
                         rec->machine);
          goto fail;
        }
      if (!write_and_read_back (self, rec->machine,
                                rec->info.task + layout->cpu_context[slot].offset, req->value,
                                layout->cpu_context[slot].size, &r->read_back, &error))
        goto fail;
      r->context_index = slot;
      r->where = g_strdup ("its saved switch context (thread.cpu_context)");
    }
  hs_job_return_pointer (job, r, (GDestroyNotify) hs_write_result_free);
  return;

fail:
  hs_write_result_free (r);
  if (error == NULL)
    g_set_error (&error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_FAILED, "no register named %s",
                 req->name);
  hs_job_return_error (job, error);
}

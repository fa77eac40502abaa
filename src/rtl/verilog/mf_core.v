// mf_core: the tile's RV32I sequencer (in-order, one instruction per cycle at most).
//
// Pipeline: two stages, fetch and execute.
//   Fetch:   imem_addr carries the address of the next instruction; the synchronous instruction
//            memory returns it on imem_rdata in the following cycle (the fetch register is the
//            memory's own output register).
//   Execute: the instruction on imem_rdata (at `pc`) is decoded, its registers read, the ALU
//            computes, the register file is written at the end of the cycle, and the address of
//            the next instruction (pc + 4, or the branch / jump target) goes out on imem_addr in
//            the same cycle. A stall holds imem_addr at pc, so the memory keeps returning the
//            same instruction.
// Nothing is predicted and nothing is flushed, so taken branches and jumps cost no extra cycle.
// Results are written before the next instruction reads them: no forwarding, no hazards.
//
// CPI: 1 for every instruction but these:
//   loads          2 (cycle 1 the request, cycle 2 dmem_rdata is written to rd; the next
//                     instruction's fetch overlaps cycle 2), + cycles with dmem_ready = 0;
//   stores         1 + cycles with dmem_ready = 0;
//   custom-0 / -1  1 + cycles with cop_ready = 0.
// One cycle after reset before the first instruction (its fetch). Critical path: imem_rdata ->
// decode -> register read -> ALU compare -> next-pc mux -> imem_addr (and dmem_ready /
// cop_ready -> imem_addr: a stall selects pc).
//
// Implemented: all of RV32I. fence and fence.i are no-ops (no caches, no store buffer), ecall is
// a no-op, ebreak raises `halted` and stops the core. custom-0 (0001011) and custom-1 (0101011)
// go to the coprocessor port: cop_valid with cop_insn / cop_rs1 / cop_rs2 held until cop_ready;
// in the cycle cop_ready is high cop_rd is written to rd (when rd != 0).
// Faults (raise `fault` and `halted`, stop with pc at the faulting instruction, nothing of it
// written, no memory access): an illegal instruction (anything not RV32I nor custom-0/-1: CSR
// instructions, mret, wfi, reserved funct3 / funct7, compressed encodings), a misaligned load or
// store (halfword at an odd address, word not on a multiple of 4; no split access), a taken
// branch or jump to an address not a multiple of 4 (JALR clears bit 0 first, as specified).
//
// Data port: a request (dmem_req with dmem_we, dmem_be, dmem_addr, dmem_wdata) is held until
// accepted at a rising edge with dmem_ready = 1; a read's data is taken from dmem_rdata in the
// cycle after acceptance. dmem_addr is the byte address (memories use [31:2] and dmem_be).
//
// Area: 31 x 32 register flops, a 30-bit pc, 4 control flops, one ALU (adder, logic, one
// right shifter also doing left shifts by bit reversal), a pc + 4 incrementer and a pc + imm
// branch-target adder. No multiplier, no CSRs, no counters.
module mf_core #(
    parameter [31:0] RESET_PC = 32'h0000_0000   // first instruction (a multiple of 4)
) (
    input  wire        clk,
    input  wire        rst,
    // Instruction port (synchronous memory, data one cycle after the address).
    output wire [31:0] imem_addr,
    input  wire [31:0] imem_rdata,
    // Data port.
    output wire        dmem_req,
    output wire        dmem_we,
    output wire [3:0]  dmem_be,
    output wire [31:0] dmem_addr,
    output wire [31:0] dmem_wdata,
    input  wire [31:0] dmem_rdata,
    input  wire        dmem_ready,
    // Coprocessor port (custom-0 / custom-1).
    output wire        cop_valid,
    output wire [31:0] cop_insn,
    output wire [31:0] cop_rs1,
    output wire [31:0] cop_rs2,
    input  wire [31:0] cop_rd,
    input  wire        cop_ready,
    // Status.
    output reg         halted,     // ebreak executed, or a fault
    output reg         fault       // halted on an illegal instruction or a misaligned access
);
    // ---------------------------------------------------------------- state
    reg [31:2] pc;          // address of the instruction on imem_rdata
    reg        fetched;     // imem_rdata holds the instruction at pc (0 in the cycle after reset)
    reg        ld_wb;       // second cycle of a load: dmem_rdata is written to rd

    // ---------------------------------------------------------------- decode
    wire [4:0]  rs1_a, rs2_a, rd_a;
    wire [2:0]  funct3;
    wire        alt;
    wire [31:0] imm;
    wire        is_lui, is_auipc, is_jal, is_jalr, is_branch, is_load, is_store;
    wire        is_opimm, is_op, is_cop, is_ebreak, illegal;

    mf_core_decode u_decode (
        .insn(imem_rdata), .rs1(rs1_a), .rs2(rs2_a), .rd(rd_a), .funct3(funct3), .alt(alt),
        .imm(imm), .is_lui(is_lui), .is_auipc(is_auipc), .is_jal(is_jal), .is_jalr(is_jalr),
        .is_branch(is_branch), .is_load(is_load), .is_store(is_store), .is_opimm(is_opimm),
        .is_op(is_op), .is_cop(is_cop), .is_ebreak(is_ebreak), .illegal(illegal)
    );

    // ---------------------------------------------------------------- register file
    wire [31:0] rs1_v, rs2_v;
    reg  [31:0] wd;
    wire        rf_we;

    mf_core_regfile u_regfile (
        .clk(clk), .ra1(rs1_a), .rd1(rs1_v), .ra2(rs2_a), .rd2(rs2_v),
        .we(rf_we), .wa(rd_a), .wd(wd)
    );

    // ---------------------------------------------------------------- ALU
    // a: rs1, or pc (AUIPC), or 0 (LUI). b: rs2 (OP, BRANCH) or the immediate.
    // op3: funct3 for OP / OP-IMM, add for everything else (addresses, AUIPC, LUI).
    wire [31:0] pc_full = {pc, 2'b00};
    wire [31:0] alu_a   = is_auipc ? pc_full : (is_lui ? 32'd0 : rs1_v);
    wire [31:0] alu_b   = (is_op | is_branch) ? rs2_v : imm;
    wire        alu_fn  = is_op | is_opimm;
    wire [2:0]  alu_op3 = alu_fn ? funct3 : 3'b000;
    // alt means SUB only for OP; for OP-IMM it only selects SRAI (imm[10] of ADDI is no SUB).
    wire        alu_alt = (is_op | (is_opimm & (funct3 == 3'b101))) & alt;
    wire [31:0] alu_y;
    wire        eq, lt, ltu;

    mf_core_alu u_alu (
        .a(alu_a), .b(alu_b), .op3(alu_op3), .alt(alu_alt), .cmp(is_branch),
        .y(alu_y), .eq(eq), .lt(lt), .ltu(ltu)
    );

    // ---------------------------------------------------------------- loads / stores
    wire [3:0]  ls_be;
    wire [31:0] ls_wdata, ld_data;
    wire        ls_misaligned;

    mf_core_lsu u_lsu (
        .funct3(funct3), .addr_lo(alu_y[1:0]), .store_data(rs2_v), .rdata(dmem_rdata),
        .be(ls_be), .wdata(ls_wdata), .load_data(ld_data), .misaligned(ls_misaligned)
    );

    // ---------------------------------------------------------------- next pc
    reg br_cond;
    always @(*) begin
        case (funct3)
            3'b000:  br_cond = eq;     // beq
            3'b001:  br_cond = ~eq;    // bne
            3'b100:  br_cond = lt;     // blt
            3'b101:  br_cond = ~lt;    // bge
            3'b110:  br_cond = ltu;    // bltu
            default: br_cond = ~ltu;   // bgeu (010 / 011 are illegal)
        endcase
    end
    wire        taken   = is_jal | is_jalr | (is_branch & br_cond);
    wire [31:2] pc_plus = pc + 30'd1;
    wire [31:1] br_tgt  = pc_full[31:1] + imm[31:1];       // JAL, branches (imm[0] = 0)
    wire [31:1] target  = is_jalr ? alu_y[31:1] : br_tgt;
    wire        tgt_mis = taken & target[1];

    // ---------------------------------------------------------------- control
    wire run   = fetched & ~halted;            // an instruction is on imem_rdata
    wire exec  = run & ~ld_wb;                 // ... in its first (or only) cycle
    wire trap  = exec & (illegal | ((is_load | is_store) & ls_misaligned) | tgt_mis);
    wire go    = exec & ~trap;
    wire mem   = go & (is_load | is_store);
    wire stall = (mem & ~dmem_ready) | (go & is_cop & ~cop_ready);
    // The load's request accepted: hold pc (its second cycle needs the same instruction).
    wire ld_acc = mem & is_load & dmem_ready;
    // Leave the instruction at pc: finished in this cycle.
    wire adv    = (go & ~stall & ~ld_acc & ~is_ebreak) | (run & ld_wb);
    wire [31:2] npc = (adv & ~ld_wb & taken) ? target[31:2] : pc_plus;

    assign imem_addr = {(adv ? npc : pc), 2'b00};

    assign rf_we = (go & ~stall & (is_lui | is_auipc | is_jal | is_jalr | is_op | is_opimm |
                                   is_cop)) | (run & ld_wb);
    always @(*) begin
        if (ld_wb)                wd = ld_data;
        else if (is_cop)          wd = cop_rd;
        else if (is_jal | is_jalr) wd = {pc_plus, 2'b00};
        else                      wd = alu_y;
    end

    assign dmem_req   = mem;
    assign dmem_we    = mem & is_store;
    assign dmem_be    = ls_be;
    assign dmem_addr  = alu_y;
    assign dmem_wdata = ls_wdata;

    assign cop_valid = go & is_cop;
    assign cop_insn  = imem_rdata;
    assign cop_rs1   = rs1_v;
    assign cop_rs2   = rs2_v;

    always @(posedge clk) begin
        if (rst) begin
            pc      <= RESET_PC[31:2];
            fetched <= 1'b0;
            ld_wb   <= 1'b0;
            halted  <= 1'b0;
            fault   <= 1'b0;
        end else begin
            pc      <= imem_addr[31:2];
            fetched <= 1'b1;
            ld_wb   <= ld_acc;
            if (trap) fault <= 1'b1;
            if (trap | (go & is_ebreak)) halted <= 1'b1;
        end
    end
endmodule

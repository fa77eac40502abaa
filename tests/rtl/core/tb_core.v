// tb_core: testbench of mf_core running a RISC-V program.
//
// Memory: 64 KiB of bytes at address 0 loaded from a $readmemh byte file (objcopy -O verilog),
// shared by a synchronous instruction port (data the cycle after the address) and a data port
// (a request is accepted at an edge with dmem_ready = 1, read data on dmem_rdata in the next
// cycle and garbage in every other cycle). MMIO at 0x8000_0000 and up (writes only):
//   0x8000_0000 tohost: 1 = pass, anything else = fail (riscv-tests style: (test << 1) | 1)
//   0x8000_0004 putchar            0x8000_0008 print a word in hex
// Coprocessor model (custom-0 / custom-1), cop_rd driven only while cop_ready, garbage otherwise:
//   custom-0 f3 0: rs1 + rs2      f3 1: acc += rs1 ^ rs2, rd = acc   f3 2: rd = the instruction
//            f3 3: rs1 - rs2      other: ~rs1
//   custom-1 f3 0: {rs1[15:0], rs2[15:0]}   f3 1: rd = acc, acc = 0  other: rs1 ^ rs2
// Plusargs: +hex=FILE (required) +stall=P (percent of cycles with dmem_ready = 0, and random
// coprocessor delays 0..4; default 0: always ready) +seed=N +timeout=CYCLES +expect_fault
// +trace. The run ends at `halted`: PASS when tohost = 1 and fault is as expected, FAIL
// otherwise, on a protocol violation, or at the timeout. Prints "PASS" / "FAIL ..." and cycles.

module tb_core;
    parameter [31:0] RESET_PC = 32'h0;   // iverilog -Ptb_core.RESET_PC=...
    reg clk = 1'b0;
    reg rst = 1'b1;
    always #5 clk = ~clk;

    wire [31:0] imem_addr;
    reg  [31:0] imem_rdata;
    wire        dmem_req, dmem_we;
    wire [3:0]  dmem_be;
    wire [31:0] dmem_addr, dmem_wdata;
    reg  [31:0] dmem_rdata;
    reg         dmem_ready;
    wire        cop_valid;
    wire [31:0] cop_insn, cop_rs1, cop_rs2;
    wire [31:0] cop_rd;
    wire        cop_ready;
    wire        halted, fault;

    mf_core #(.RESET_PC(RESET_PC)) dut (
        .clk(clk), .rst(rst),
        .imem_addr(imem_addr), .imem_rdata(imem_rdata),
        .dmem_req(dmem_req), .dmem_we(dmem_we), .dmem_be(dmem_be), .dmem_addr(dmem_addr),
        .dmem_wdata(dmem_wdata), .dmem_rdata(dmem_rdata), .dmem_ready(dmem_ready),
        .cop_valid(cop_valid), .cop_insn(cop_insn), .cop_rs1(cop_rs1), .cop_rs2(cop_rs2),
        .cop_rd(cop_rd), .cop_ready(cop_ready), .halted(halted), .fault(fault)
    );

    // ------------------------------------------------------------------ options
    reg [1023:0] hexfile;
    integer stall_pct, seed, timeout, expect_fault, trace;
    initial begin
        if (!$value$plusargs("hex=%s", hexfile)) begin
            $display("FAIL: no +hex=FILE");
            $finish;
        end
        if (!$value$plusargs("stall=%d", stall_pct)) stall_pct = 0;
        if (!$value$plusargs("seed=%d", seed)) seed = 1;
        if (!$value$plusargs("timeout=%d", timeout)) timeout = 200000;
        expect_fault = $test$plusargs("expect_fault");
        trace = $test$plusargs("trace");
    end

    // ------------------------------------------------------------------ memory
    localparam MEM_BYTES = 65536;
    reg [7:0] mem [0:MEM_BYTES-1];
    integer k;
    initial begin
        for (k = 0; k < MEM_BYTES; k = k + 1) mem[k] = 8'h00;
        #1 $readmemh(hexfile, mem);
    end

    function [31:0] rd_word(input [31:0] a);
        begin
            rd_word = {mem[{a[15:2], 2'b11}], mem[{a[15:2], 2'b10}],
                       mem[{a[15:2], 2'b01}], mem[{a[15:2], 2'b00}]};
        end
    endfunction

    // ------------------------------------------------------------------ checking
    integer cycles = 0;
    integer errors = 0;
    reg [31:0] tohost = 32'h0;
    integer tohost_writes = 0;
    integer loads = 0, stores = 0, cops = 0, dstalls = 0, cstalls = 0;

    task fail(input [8*64-1:0] what);
        begin
            $display("FAIL: %0s (cycle %0d)", what, cycles);
            errors = errors + 1;
        end
    endtask

    // Instruction port.
    always @(posedge clk) begin
        if (!rst && imem_addr[1:0] != 2'b00) fail("imem_addr not word aligned");
        if (imem_addr[31:16] != 16'd0) imem_rdata <= 32'h0000_0000;   // illegal
        else imem_rdata <= rd_word(imem_addr);
    end

    // Data port: ready, protocol checks, the access.
    reg        d_pend = 1'b0;           // a request was waiting at the last edge
    reg        p_we;
    reg [3:0]  p_be;
    reg [31:0] p_addr, p_wdata;
    reg        be_ok;
    always @(posedge clk) begin
        dmem_rdata <= $random(seed);
        if (!rst && dmem_req) begin
            if (d_pend && (dmem_we !== p_we || dmem_be !== p_be || dmem_addr !== p_addr ||
                           (dmem_we && dmem_wdata !== p_wdata)))
                fail("dmem request changed while waiting for dmem_ready");
            case (dmem_be)
                4'b0001: be_ok = dmem_addr[1:0] == 2'd0;
                4'b0010: be_ok = dmem_addr[1:0] == 2'd1;
                4'b0100: be_ok = dmem_addr[1:0] == 2'd2;
                4'b1000: be_ok = dmem_addr[1:0] == 2'd3;
                4'b0011: be_ok = dmem_addr[1:0] == 2'd0;
                4'b1100: be_ok = dmem_addr[1:0] == 2'd2;
                4'b1111: be_ok = dmem_addr[1:0] == 2'd0;
                default: be_ok = 1'b0;
            endcase
            if (!be_ok) fail("dmem_be does not match the size / address");
            if (dmem_ready) begin
                if (dmem_addr[31]) begin
                    if (!dmem_we) ;   // MMIO reads return garbage
                    else if (dmem_addr[30:0] == 31'h0) begin
                        tohost = dmem_wdata;
                        tohost_writes = tohost_writes + 1;
                    end else if (dmem_addr[30:0] == 31'h4) $write("%c", dmem_wdata[7:0]);
                    else if (dmem_addr[30:0] == 31'h8) $display("print: %08x", dmem_wdata);
                    else fail("write to an unknown MMIO address");
                end else if (dmem_addr[30:16] != 15'd0) begin
                    fail("data access outside memory");
                end else if (dmem_we) begin
                    stores = stores + 1;
                    if (dmem_be[0]) mem[{dmem_addr[15:2], 2'b00}] <= dmem_wdata[7:0];
                    if (dmem_be[1]) mem[{dmem_addr[15:2], 2'b01}] <= dmem_wdata[15:8];
                    if (dmem_be[2]) mem[{dmem_addr[15:2], 2'b10}] <= dmem_wdata[23:16];
                    if (dmem_be[3]) mem[{dmem_addr[15:2], 2'b11}] <= dmem_wdata[31:24];
                end else begin
                    loads = loads + 1;
                    dmem_rdata <= rd_word(dmem_addr);
                end
            end else dstalls = dstalls + 1;
        end
        d_pend <= !rst && dmem_req && !dmem_ready;
        p_we <= dmem_we; p_be <= dmem_be; p_addr <= dmem_addr; p_wdata <= dmem_wdata;
        dmem_ready <= (stall_pct == 0) ? 1'b1 : (($random(seed) & 32'h7fffffff) % 100 >= stall_pct);
    end

    // Coprocessor.
    reg  [2:0]  c_wait = 3'd0;          // cycles of cop_valid left before cop_ready
    reg  [31:0] acc = 32'd0;
    reg         c_pend = 1'b0;
    reg  [31:0] c_insn, c_rs1, c_rs2;
    reg  [31:0] c_result;
    wire [2:0]  c_f3 = cop_insn[14:12];
    wire        c_cust1 = cop_insn[6:0] == 7'b0101011;
    assign cop_ready = cop_valid && c_wait == 3'd0;
    always @(*) begin
        if (!c_cust1)
            case (c_f3)
                3'd0:    c_result = cop_rs1 + cop_rs2;
                3'd1:    c_result = acc + (cop_rs1 ^ cop_rs2);
                3'd2:    c_result = cop_insn;
                3'd3:    c_result = cop_rs1 - cop_rs2;
                default: c_result = ~cop_rs1;
            endcase
        else
            case (c_f3)
                3'd0:    c_result = {cop_rs1[15:0], cop_rs2[15:0]};
                3'd1:    c_result = acc;
                default: c_result = cop_rs1 ^ cop_rs2;
            endcase
    end
    reg [31:0] garbage = 32'hBAD0_C0DE;
    assign cop_rd = cop_ready ? c_result : garbage;
    always @(posedge clk) begin
        garbage <= $random(seed);
        if (!rst && cop_valid) begin
            if (cop_insn[6:0] != 7'b0001011 && cop_insn[6:0] != 7'b0101011)
                fail("cop_valid for an instruction that is not custom-0 / custom-1");
            if (c_pend && (cop_insn !== c_insn || cop_rs1 !== c_rs1 || cop_rs2 !== c_rs2))
                fail("cop_insn / cop_rs1 / cop_rs2 changed while waiting for cop_ready");
            if (cop_ready) begin
                cops = cops + 1;
                if (!c_cust1 && c_f3 == 3'd1) acc <= acc + (cop_rs1 ^ cop_rs2);
                if (c_cust1 && c_f3 == 3'd1) acc <= 32'd0;
                c_wait <= (stall_pct == 0) ? 3'd0 : ($random(seed) & 32'h7fffffff) % 5;
            end else begin
                cstalls = cstalls + 1;
                c_wait <= c_wait - 3'd1;
            end
        end else if (!rst && c_pend) fail("cop_valid dropped before cop_ready");
        c_pend <= !rst && cop_valid && !cop_ready;
        c_insn <= cop_insn; c_rs1 <= cop_rs1; c_rs2 <= cop_rs2;
    end

    // ------------------------------------------------------------------ run
    always @(posedge clk) begin
        if (trace && !rst)
            $display("%6d pc=%08x insn=%08x req=%b we=%b addr=%08x rdy=%b cop=%b/%b halt=%b",
                     $time / 10, {dut.pc, 2'b00}, imem_rdata, dmem_req, dmem_we, dmem_addr,
                     dmem_ready, cop_valid, cop_ready, halted);
    end

    initial begin
        repeat (3) @(posedge clk);
        #1 rst = 1'b0;
        while (!halted && cycles < timeout && errors == 0) begin
            @(posedge clk);
            cycles = cycles + 1;
        end
        repeat (2) @(posedge clk);     // let nothing else happen after halted
        $display("cycles %0d: %0d loads, %0d stores, %0d coprocessor ops, %0d / %0d stall cycles (dmem / cop), fault %b, tohost %08x",
                 cycles, loads, stores, cops, dstalls, cstalls, fault, tohost);
        if (errors != 0) $display("FAIL: %0d protocol errors", errors);
        else if (!halted) $display("FAIL: timeout after %0d cycles", cycles);
        else if (fault !== (expect_fault != 0))
            $display("FAIL: fault = %b, expected %0d", fault, expect_fault != 0);
        else if (tohost !== 32'd1)
            $display("FAIL: tohost = %08x (test %0d)", tohost, tohost >> 1);
        else $display("PASS");
        $finish;
    end

    // After halted nothing may happen on the ports.
    always @(posedge clk) begin
        if (!rst && halted && (dmem_req || cop_valid)) fail("memory / coprocessor activity after halted");
    end
endmodule

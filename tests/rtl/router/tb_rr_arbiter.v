// tb_rr_arbiter: unit test of mf_rr_arbiter for N = 1, 2, 3, 5, 8.
// Checks: grant one-hot and within req; all requesting -> strict rotation (each requester once
// per N grants); a requester that holds its request is granted within N grants (no starvation);
// no priority change without advance; random requests -> grant counts equal to within 5 %.
`timescale 1ns/1ps
module tb_rr_arbiter;
  reg clk = 1'b0;
  reg rst = 1'b1;
  always #5 clk = ~clk;
  integer errors = 0;
  integer cyc = 0;

  genvar gi;
  generate
    for (gi = 0; gi < 5; gi = gi + 1) begin : g_arb
      localparam N = (gi == 0) ? 1 : (gi == 1) ? 2 : (gi == 2) ? 3 : (gi == 3) ? 5 : 8;
      reg  [N-1:0] req;
      reg          advance;
      wire [N-1:0] grant;
      integer      wait_cnt [0:N-1];
      integer      count [0:N-1];
      integer      i, last, phase, mn, mx, ones;
      reg [31:0]   rng;
      reg [N-1:0]  prev_grant;
      mf_rr_arbiter #(.N(N)) dut (.clk(clk), .rst(rst), .req(req), .advance(advance), .grant(grant));

      initial begin
        rng = 32'h2545F491 + gi;
        req = {N{1'b0}}; advance = 1'b0; last = -1; phase = 0;
        for (i = 0; i < N; i = i + 1) begin wait_cnt[i] = 0; count[i] = 0; end
      end

      always @(negedge clk) if (!rst) begin
        // properties of the combinational grant for the current req
        ones = 0;
        for (i = 0; i < N; i = i + 1) ones = ones + grant[i];
        if (ones > 1 || (grant & ~req) != 0 || (req != 0 && ones != 1)) begin
          $display("FAIL: N=%0d grant %b for req %b", N, grant, req); errors = errors + 1;
        end
      end

      always @(posedge clk) if (!rst) begin
        // phase 0 (cycles 1..4N): all request, advance: strict rotation
        if (cyc <= 4 * N) begin
          for (i = 0; i < N; i = i + 1)
            if (grant[i]) begin
              if (last >= 0 && i != (last + 1) % N) begin
                $display("FAIL: N=%0d rotation: %0d after %0d", N, i, last); errors = errors + 1;
              end
              last = i;
            end
        end else if (cyc <= 4 * N + 10) begin
          // phase 1: no advance -> the grant does not move
          if (cyc > 4 * N + 1 && grant != prev_grant) begin
            $display("FAIL: N=%0d grant moved without advance", N); errors = errors + 1;
          end
        end else begin
          // phase 2: random requests; held requests are served within N grants
          for (i = 0; i < N; i = i + 1) begin
            if (grant[i]) begin count[i] = count[i] + 1; wait_cnt[i] = 0; end
            else if (req[i] && advance && grant != 0) begin
              wait_cnt[i] = wait_cnt[i] + 1;
              if (wait_cnt[i] >= N) begin
                $display("FAIL: N=%0d requester %0d starved", N, i); errors = errors + 1;
              end
            end
          end
        end
        prev_grant = grant;
        // next stimulus
        if (cyc < 4 * N) begin req <= {N{1'b1}}; advance <= 1'b1; end
        else if (cyc < 4 * N + 10) begin req <= {N{1'b1}}; advance <= 1'b0; end
        else begin
          advance <= 1'b1;
          for (i = 0; i < N; i = i + 1) begin
            rng = rng ^ (rng << 13); rng = rng ^ (rng >> 17); rng = rng ^ (rng << 5);
            // a request that was not granted stays (as in the allocators); others are random
            if (!(req[i] && !grant[i])) req[i] <= rng[7];
          end
        end
      end

      task report;
        begin
          mn = 1 << 30; mx = 0;
          for (i = 0; i < N; i = i + 1) begin
            if (count[i] < mn) mn = count[i];
            if (count[i] > mx) mx = count[i];
          end
          if (N > 1 && (mx - mn) * 20 > mx) begin
            $display("FAIL: N=%0d unfair: grants per requester between %0d and %0d", N, mn, mx);
            errors = errors + 1;
          end else $display("N=%0d: grants per requester %0d..%0d", N, mn, mx);
        end
      endtask
    end
  endgenerate

  initial begin
    repeat (3) @(posedge clk);
    rst <= 1'b0;
  end
  always @(posedge clk) if (!rst) begin
    cyc <= cyc + 1;
    if (cyc == 8000) begin
      g_arb[0].report; g_arb[1].report; g_arb[2].report; g_arb[3].report; g_arb[4].report;
      if (errors == 0) $display("PASS: mf_rr_arbiter"); else $display("FAIL: %0d errors", errors);
      $finish;
    end
  end
endmodule

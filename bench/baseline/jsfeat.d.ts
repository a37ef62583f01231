/** The few parts of jsfeat 0.0.8 (a global-style CommonJS build without types) the baseline uses. */
declare module 'jsfeat' {
  export interface Matrix {
    cols: number;
    rows: number;
    data: Uint8Array;
  }
  export interface PyramidT {
    levels: number;
    data: Matrix[];
    allocate(width: number, height: number, type: number): void;
    build(input: Matrix, skipFirstLevel?: boolean): void;
  }
  const jsfeat: {
    U8_t: number;
    C1_t: number;
    pyramid_t: new (levels: number) => PyramidT;
    optical_flow_lk: {
      track(
        prev: PyramidT,
        curr: PyramidT,
        prevXY: Float32Array,
        currXY: Float32Array,
        count: number,
        winSize: number,
        maxIterations: number,
        status: Uint8Array,
        eps: number,
        minEigen: number,
      ): void;
    };
  };
  export default jsfeat;
}

// TEST FIXTURE: a strategy module without evaluate() and params.
export default { name: 'half-done', requiredCandles: 3 };

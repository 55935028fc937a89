/** The nmcp release every program reports (plugin, operator, gateway, traces). */
export const RELEASE = "0.1.0";
